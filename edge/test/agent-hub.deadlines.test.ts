import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expireStopDeadlines, hubOf, overrunJobs } from "./agent-support.ts";
import { callerFor } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { agentRunningJob } from "./support/tenant-agents.ts";

beforeAll(() => seedReferenceData(env.DB));

const at = () => new Date().toISOString();

/** A job of a fresh tenant, taken by a connected agent that reported CLONING: a clone under way. */
async function cloning() {
  const running = await agentRunningJob();
  const { agent, jobId } = running;
  agent.send({
    type: "job.progress",
    jobId,
    epoch: 1,
    seq: 1,
    update: { kind: "stage", stage: "CLONING", at: at() },
  });
  await agent.next("ack");
  return running;
}

describe("the hub's maximum job duration", () => {
  it("stops a job that ran too long, tells the requester why, and records TIMED_OUT from its agent's report", async () => {
    const { t, w, agent, jobId, requestId } = await cloning();
    await overrunJobs(t.siteId);
    await runDurableObjectAlarm(hubOf(t.siteId));
    expect(await agent.next("job.cancel")).toMatchObject({ jobId, epoch: 1, reason: "requested" });

    // while its agent tears down: the requester's wait line and the admins' queue say why
    const wait = await callerFor(t.member, w).requests.waiting({ requestId });
    expect(wait.stopping).toBe(true);
    expect(wait.reason).toMatch(
      /took longer than site .* allows \(180 min\); its agent is removing what it built/,
    );
    const queue = await callerFor(t.admin, w).agents.queue({ siteId: t.siteId });
    expect(queue).toMatchObject([{ jobId, waiting: { code: "STOPPING", reason: "timed-out" } }]);

    // the agent stops like for any stop and says CANCELLED: the outcome is the hub's TIMED_OUT
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
          technicalDetail: "AbortError; step clone; the clone was removed",
          retriable: false,
          attempts: 1,
          cleanupFailed: false,
        },
      },
    });
    await agent.next("ack");
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "FAILED",
      failure: {
        code: "TIMED_OUT",
        userMessage: expect.stringContaining("longer than this site allows (180 min)"),
      },
    });
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "done", outcome: "timed-out" });
    // the agent removed what it built: nothing for admins to clean up
    expect((await callerFor(t.admin, w).vms.leftovers()).map((l) => l.requestId)).not.toContain(requestId);
  });

  it("records TIMED_OUT itself, flagged as a possible leftover, when the stopped job's agent never answers", async () => {
    const { t, w, agent, jobId, requestId } = await cloning();
    await overrunJobs(t.siteId);
    await runDurableObjectAlarm(hubOf(t.siteId));
    await agent.next("job.cancel");

    // the agent keeps renewing but never reports: past the stop's grace, the hub takes the job back
    await expireStopDeadlines(t.siteId);
    await runDurableObjectAlarm(hubOf(t.siteId));
    expect(await agent.next("job.cancel")).toMatchObject({ jobId, reason: "reassigned" });
    agent.send({ type: "lease.renew", leases: [{ jobId, epoch: 1 }], capacity: 1, draining: false });
    expect((await agent.next("lease.renewed")).leases).toEqual([{ jobId, epoch: 1, ok: false }]);

    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "FAILED", failure: { code: "TIMED_OUT" } });
    const leftovers = await callerFor(t.admin, w).vms.leftovers();
    expect(leftovers.find((l) => l.requestId === requestId)?.detail).toMatch(
      /stopped by the edge after 180 min.*no teardown was reported.*half-built VM may be left/,
    );
    expect((await hubOf(t.siteId).status()).counters).toMatchObject({
      jobs_timed_out: 1,
      stops_taken_back: 1,
    });
  });

  it("leaves a job within the maximum duration alone", async () => {
    const { t, agent, jobId } = await cloning();
    await runDurableObjectAlarm(hubOf(t.siteId));
    agent.send({ type: "lease.renew", leases: [{ jobId, epoch: 1 }], capacity: 1, draining: false });
    expect((await agent.next("lease.renewed")).leases).toEqual([{ jobId, epoch: 1, ok: true }]);
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({ state: "leased", waiting: null });
  });
});
