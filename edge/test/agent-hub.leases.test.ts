import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { expireDeadlines, helloAgent, hubOf, takeJob } from "./agent-support.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

const leaseExpiry = (siteId: string, jobId: string) =>
  runInDurableObject(
    hubOf(siteId),
    (_hub: AgentHub, state) =>
      state.storage.sql
        .exec<{ lease_expires_at: number | null }>(
          "SELECT lease_expires_at FROM jobs WHERE job_id = ?",
          jobId,
        )
        .one().lease_expires_at,
  );

/** An approved request of a fresh tenant whose job sits in the site's real hub (not a test double). */
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

/** How many events the request's two streams hold in D1. */
async function eventCount(requestId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE stream_id IN (?, ?)")
    .bind(streamIds.vmRequest(requestId), streamIds.vm(requestId))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const stage = (at: string) => ({ kind: "stage" as const, stage: "CLONING" as const, at });

describe("AgentHub leases held by an older holder", () => {
  it("refuses the late frames of a holder whose lease expired and was granted to another agent", async () => {
    const { t, requestId, jobId } = await approvedJob();
    const a = await helloAgent((await enrollTenantAgent(t, "a")).credential);
    expect((await takeJob(a.agent, jobId)).epoch).toBe(1);
    // A has no room any more, so the expired job goes to B
    a.agent.send({ type: "lease.renew", leases: [], capacity: 0, draining: false });
    await a.agent.next("lease.renewed");
    const b = await helloAgent((await enrollTenantAgent(t, "b")).credential);
    await expireDeadlines(t.siteId);
    expect(await runDurableObjectAlarm(hubOf(t.siteId))).toBe(true);
    expect(await a.agent.next("job.cancel")).toMatchObject({ jobId, epoch: 1, reason: "lease-expired" });
    const granted = await takeJob(b.agent, jobId);
    expect(granted).toMatchObject({ epoch: 2, attempt: 2, lastSeq: 0 });
    const before = await eventCount(requestId);

    // A did not hear of the expiry in time and reports under its old epoch
    const progress = a.agent.send({ type: "job.progress", jobId, epoch: 1, seq: 1, update: stage(at()) });
    expect(await a.agent.next("error")).toMatchObject({ code: "STALE_EPOCH", ref: progress });
    expect(await a.agent.next("job.cancel")).toMatchObject({ jobId, epoch: 1, reason: "reassigned" });
    const result = a.agent.send({
      type: "job.result",
      jobId,
      epoch: 1,
      seq: 1,
      at: at(),
      outcome: {
        ok: true,
        vm: { vmwareId: "vm-9", vmName: "late", hostname: "late", ipAddress: "10.0.0.9" },
      },
    });
    expect(await a.agent.next("error")).toMatchObject({ code: "STALE_EPOCH", ref: result });

    expect(await eventCount(requestId)).toBe(before);
    expect(await hubOf(t.siteId).jobStatus(jobId)).toMatchObject({
      state: "leased",
      agentId: b.welcome.agentId,
      epoch: 2,
      lastSeq: 0,
      stages: [],
      outcome: null,
    });
    expect((await hubOf(t.siteId).status()).counters.frames_stale_epoch).toBe(2);
    const detail = await callerFor(t.member, testWorkflow()).requests.get({ requestId });
    expect(detail.request.status).toBe("APPROVED");

    // the same frame from the holder is applied and recorded, so the refusals above were the fencing
    const fromB = b.agent.send({ type: "job.progress", jobId, epoch: 2, seq: 1, update: stage(at()) });
    expect(await b.agent.next("ack")).toMatchObject({ ref: fromB, seq: 1 });
    expect(await eventCount(requestId)).toBeGreaterThan(before);
    const vm = await readStream(env.DB, streamIds.vm(requestId));
    expect(vm.events.at(-1)?.metadata).toMatchObject({
      actorId: b.welcome.agentId,
      leaseEpoch: 2,
    });
  });
});

describe("AgentHub lease renewal", () => {
  it("moves the lease expiry to a full TTL from the renewal, and only for the holder's epoch", async () => {
    const { t, jobId } = await approvedJob();
    const { agent, welcome } = await helloAgent((await enrollTenantAgent(t)).credential);
    await takeJob(agent, jobId);
    const soon = Date.now() + 5_000;
    await runInDurableObject(hubOf(t.siteId), (_hub: AgentHub, state) => {
      state.storage.sql.exec("UPDATE jobs SET lease_expires_at = ?2 WHERE job_id = ?1", jobId, soon);
    });

    agent.send({ type: "lease.renew", leases: [{ jobId, epoch: 7 }], capacity: 1, draining: false });
    expect((await agent.next("lease.renewed")).leases).toEqual([{ jobId, epoch: 7, ok: false }]);
    expect(await leaseExpiry(t.siteId, jobId)).toBe(soon);

    const before = Date.now();
    agent.send({ type: "lease.renew", leases: [{ jobId, epoch: 1 }], capacity: 1, draining: false });
    expect((await agent.next("lease.renewed")).leases).toEqual([{ jobId, epoch: 1, ok: true }]);
    const after = Date.now();
    const renewed = await leaseExpiry(t.siteId, jobId);
    expect(renewed).toBeGreaterThanOrEqual(before + welcome.leaseTtlMs);
    expect(renewed).toBeLessThanOrEqual(after + welcome.leaseTtlMs);
    expect((await hubOf(t.siteId).jobStatus(jobId))?.leaseExpiresAt).toBe(
      new Date(renewed ?? 0).toISOString(),
    );
  });
});

function at(): string {
  return new Date().toISOString();
}
