import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import type { HubContext } from "../src/agent-hub/hub-context.ts";
import { raiseLeaseFence } from "../src/commands/lease-fence.ts";
import { recordJobUpdate } from "../src/commands/record-job-update.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { expireDeadlines, helloAgent, hubOf, takeJob } from "./agent-support.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { frame } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

async function approvedJob(): Promise<{ t: TestTenant; requestId: string; jobId: string }> {
  const t = await createTestTenant(env.DB);
  const w = testWorkflow();
  const created = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId: created.requestId, expectedVersion: 1 });
  await w.settle();
  const [dispatch] = w.dispatcher.calls;
  if (!dispatch) throw new Error("approval dispatched no job");
  await hubOf(t.siteId).enqueueJob(dispatch);
  return { t, requestId: created.requestId, jobId: dispatch.job.jobId };
}

const vmEventTypes = async (requestId: string) =>
  (await readStream(env.DB, streamIds.vm(requestId))).events.map((e) => e.event.type);

const at = () => new Date().toISOString();
const failed = (jobId: string, seq: number) => ({
  type: "job.result" as const,
  jobId,
  epoch: 1,
  seq,
  at: at(),
  outcome: {
    ok: false as const,
    failure: {
      code: "TASK_FAILED" as const,
      userMessage: "",
      technicalDetail: "stale holder's failure",
      retriable: false,
      attempts: 1,
      cleanupFailed: false,
    },
  },
});

type Held = { heldReports: number; release?: () => void };

/**
 * Holds the hub's next D1 write of a job report until `release()`: the window between the hub's
 * fencing check and the write landing, in which the real alarm and a real grant run. Everything runs
 * inside the object (promises may not cross from the test's context into it).
 */
async function holdNextReport(siteId: string) {
  await runInDurableObject(hubOf(siteId), (instance: AgentHub) => {
    const held = instance as unknown as { hub: HubContext } & Held;
    const record = held.hub.sink.record.bind(held.hub.sink);
    held.heldReports = 0;
    held.hub.sink.record = (report) => {
      held.hub.sink.record = record;
      held.heldReports += 1;
      return new Promise((resolve) => {
        held.release = () => resolve(record(report));
      });
    };
  });
  return {
    held: () =>
      runInDurableObject(hubOf(siteId), (instance: AgentHub) => (instance as unknown as Held).heldReports),
    release: () =>
      runInDurableObject(hubOf(siteId), (instance: AgentHub) => (instance as unknown as Held).release?.()),
  };
}

describe("the lease epoch is a condition of the D1 write", () => {
  it("refuses a stale holder's FAILED that was checked before an alarm and a new grant, while the new holder builds", async () => {
    const { t, requestId, jobId } = await approvedJob();
    const a = await helloAgent((await enrollTenantAgent(t, "a")).credential);
    await takeJob(a.agent, jobId);
    a.agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    await a.agent.next("ack");

    // A's failure passes the hub's fencing check, then its D1 write is held
    const gate = await holdNextReport(t.siteId);
    const stale = a.agent.send(failed(jobId, 2));
    // frames of one socket are handled in order: once this is answered, the failure's write is held
    a.agent.send({ type: "lease.renew", leases: [], capacity: 0, draining: false });
    await a.agent.next("lease.renewed");
    expect(await gate.held()).toBe(1);

    // meanwhile: A's lease expires (the alarm) and B is granted the job under epoch 2
    const b = await helloAgent((await enrollTenantAgent(t, "b")).credential);
    await expireDeadlines(t.siteId);
    await runDurableObjectAlarm(hubOf(t.siteId));
    expect(await takeJob(b.agent, jobId)).toMatchObject({ epoch: 2, lastSeq: 1 });

    // the held write goes to D1 now: refused there, nothing of it lands
    await gate.release();
    expect(await a.agent.next("error")).toMatchObject({ code: "STALE_EPOCH", ref: stale });
    // the VM's stream opened with the first stage (carried by VmProvisioningStarted)
    expect(await vmEventTypes(requestId)).toEqual(["VmProvisioningStarted"]);
    expect((await callerFor(t.member, testWorkflow()).requests.get({ requestId })).request.status).toBe(
      "PROVISIONING",
    );

    // the new holder builds on and its reports land
    b.agent.send({
      type: "job.progress",
      jobId,
      epoch: 2,
      seq: 2,
      update: { kind: "stage", stage: "CONFIGURING", at: at() },
    });
    expect(await b.agent.next("ack")).toMatchObject({ seq: 2 });
    // a stage after the first is held by the hub for the outcome to carry, not logged on its own
    expect(await vmEventTypes(requestId)).toEqual(["VmProvisioningStarted"]);
    expect((await hubOf(t.siteId).jobStatus(jobId))?.stagesReached.map((s) => s.stage)).toEqual([
      "CONFIGURING",
    ]);
  });

  it("answers a write under an epoch below the job's fence with a typed refusal, writing nothing", async () => {
    const { requestId, jobId, t } = await approvedJob();
    const w = testWorkflow();
    await raiseLeaseFence(env.DB, { jobId, epoch: 3 });
    const report = frame(
      requestId,
      { kind: "stage", stage: "CLONING", at: at() },
      { tenantId: t.tenantId, epoch: 2 },
    );
    expect(await recordJobUpdate(w.deps, report)).toEqual({
      ok: false,
      error: { code: "STALE_LEASE", retryable: false, message: expect.stringContaining("STALE_LEASE") },
    });
    expect(await vmEventTypes(requestId)).toEqual([]);
    // the fence only rises: the current holder's epoch passes, a lower raise changes nothing
    await raiseLeaseFence(env.DB, { jobId, epoch: 1 });
    const current = frame(
      requestId,
      { kind: "stage", stage: "CLONING", at: at() },
      { tenantId: t.tenantId, epoch: 3 },
    );
    expect(await recordJobUpdate(w.deps, current)).toMatchObject({ ok: true, value: { recorded: true } });
  });
});
