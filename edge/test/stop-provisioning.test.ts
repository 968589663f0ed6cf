import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { hubJobDispatcher } from "../src/deps.ts";
import { expireDeadlines, helloAgent, hubOf, takeJob } from "./agent-support.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

const REASON = "approved the wrong size by mistake";

/** An approved request of a fresh tenant, its job handed to the site's real hub. */
async function approved(): Promise<{ t: TestTenant; w: TestWorkflow; requestId: string; jobId: string }> {
  const t = await createTestTenant(env.DB);
  const w = testWorkflow({ dispatcher: hubJobDispatcher(env) });
  const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  await w.settle();
  return { t, w, requestId, jobId: `job-${requestId}` };
}

const at = () => new Date().toISOString();

describe("approvals.stopProvisioning", () => {
  it("ends a request no agent has started at once, as CANCELLED, on its history and in the audit trail", async () => {
    const { t, w, requestId, jobId } = await approved();
    const admin = callerFor(t.admin, w);
    expect(await admin.approvals.stopProvisioning({ requestId, reason: REASON })).toEqual({
      requestId,
      stop: "stopped",
    });
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "FAILED", failure: { code: "CANCELLED" } });
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "SUBMITTED",
      "APPROVED",
      "STOP_REQUESTED",
      "PROVISIONING_FAILED",
    ]);
    expect(detail.timeline[2]).toMatchObject({ detail: REASON, actor: { id: t.admin.userId } });
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "done", outcome: "cancelled" });
    expect((await admin.audit.list({ limit: 1 })).items[0]).toMatchObject({
      action: "PROVISIONING_STOPPED",
      requestId,
    });
    // nothing was built, so nothing is left for admins to clean up
    expect((await admin.vms.leftovers()).map((l) => l.requestId)).not.toContain(requestId);

    // a second press changes nothing; a later agent is never offered the job
    expect(await admin.approvals.stopProvisioning({ requestId, reason: REASON })).toEqual({
      requestId,
      stop: "stopped",
    });
    const after = await callerFor(t.member, w).requests.get({ requestId });
    expect(after.timeline).toHaveLength(4);
    await helloAgent((await enrollTenantAgent(t, "late")).credential);
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "done", agentId: null, epoch: 0 });
  });

  it("tells the running agent to stop, and records the CANCELLED outcome it reports", async () => {
    const { t, w, requestId, jobId } = await approved();
    const { agent } = await helloAgent((await enrollTenantAgent(t)).credential);
    await takeJob(agent, jobId);
    const cloning = agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    await agent.next("ack");
    expect(cloning).toBeTruthy();

    const stopped = await callerFor(t.admin, w).approvals.stopProvisioning({ requestId, reason: REASON });
    expect(stopped).toEqual({ requestId, stop: "stopping" });
    expect(await agent.next("job.cancel")).toMatchObject({ jobId, epoch: 1, reason: "requested" });
    // what the agent sends once it has torn down the VM
    agent.send({
      type: "job.result",
      jobId,
      epoch: 1,
      seq: 2,
      at: at(),
      outcome: {
        ok: false,
        failure: {
          code: "CANCELLED",
          userMessage: "The request was stopped before the VM was ready.",
          technicalDetail: "stopped at CLONING; VM destroyed",
          retriable: false,
          attempts: 1,
          cleanupFailed: false,
        },
      },
    });
    await agent.next("ack");
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "FAILED", failure: { code: "CANCELLED" } });
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "done", outcome: "cancelled" });
  });

  it("records the stop itself when the agent vanishes mid-teardown, and shows admins what may be left", async () => {
    const { t, w, requestId, jobId } = await approved();
    const { agent } = await helloAgent((await enrollTenantAgent(t)).credential);
    await takeJob(agent, jobId);
    agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    await agent.next("ack");
    await callerFor(t.admin, w).approvals.stopProvisioning({ requestId, reason: REASON });
    await agent.next("job.cancel");

    // the agent never reports back; its lease runs out
    await expireDeadlines(t.siteId);
    expect(await runDurableObjectAlarm(hubOf(t.siteId))).toBe(true);
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "FAILED", failure: { code: "CANCELLED" } });
    const leftovers = await callerFor(t.admin, w).vms.leftovers();
    expect(leftovers.find((l) => l.requestId === requestId)?.detail).toContain("half-built VM may be left");
    // stopped jobs are not offered again
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "done", outcome: "cancelled" });
  });

  it("writes a stop's outcome on a later sweep when writing it failed the first time", async () => {
    const { t, w, requestId, jobId } = await approved();
    // the state a stop leaves when D1 refused its outcome: the job ended, its outcome still pending
    await runInDurableObject(hubOf(t.siteId), async (_hub: AgentHub, state) => {
      state.storage.sql.exec(
        `UPDATE jobs SET state = 'done', outcome = 'cancelled', cancel_requested = 1, outcome_pending = 1
         WHERE job_id = ?`,
        jobId,
      );
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect((await callerFor(t.member, w).requests.get({ requestId })).request.status).toBe("APPROVED");
    expect(await runDurableObjectAlarm(hubOf(t.siteId))).toBe(true);
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "FAILED", failure: { code: "CANCELLED" } });
    const pending = await runInDurableObject(
      hubOf(t.siteId),
      (_hub: AgentHub, state) =>
        state.storage.sql
          .exec<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE outcome_pending = 1")
          .one().n,
    );
    expect(pending).toBe(0);
  });

  it("refuses members, other tenants (like a missing request) and requests that are not running", async () => {
    const { t, w, requestId } = await approved();
    const other = await createTestTenant(env.DB);
    expect(
      await codeOf(callerFor(t.member, w).approvals.stopProvisioning({ requestId, reason: REASON })),
    ).toBe("FORBIDDEN");
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => ["resolved"],
        (e: Error & { code: string }) => [e.code, e.message],
      );
    const missing = await fail(
      callerFor(other.admin, w).approvals.stopProvisioning({ requestId: "req_missing", reason: REASON }),
    );
    expect(
      await fail(callerFor(other.admin, w).approvals.stopProvisioning({ requestId, reason: REASON })),
    ).toEqual(missing);
    expect(missing[0]).toBe("NOT_FOUND");

    const { requestId: pending } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(
      await fail(callerFor(t.admin, w).approvals.stopProvisioning({ requestId: pending, reason: REASON })),
    ).toEqual([
      "PRECONDITION_FAILED",
      "only approved or provisioning requests can be stopped; this one is PENDING",
    ]);
    expect(
      await codeOf(callerFor(t.admin, w).approvals.stopProvisioning({ requestId, reason: "short" })),
    ).toBe("BAD_REQUEST");
  });
});
