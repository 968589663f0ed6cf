import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { readHubSettings } from "../src/agent-hub/hub-settings.ts";
import {
  enrolledAgent,
  expireDeadlines,
  freshSite,
  helloAgent,
  hubOf,
  type TestAgent,
  takeJob,
  testJob,
} from "./agent-support.ts";

// the sweep alarm: takes back expired offers and leases, then arms itself for the next deadline only

const alarmOf = (siteId: string) =>
  runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => state.storage.getAlarm());

const setLeaseExpiry = (siteId: string, jobId: string, at: number) =>
  runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    state.storage.sql.exec("UPDATE jobs SET lease_expires_at = ?2 WHERE job_id = ?1", jobId, at);
  });

const offerDeadline = (siteId: string, jobId: string) =>
  runInDurableObject(
    hubOf(siteId),
    (_hub: AgentHub, state) =>
      state.storage.sql
        .exec<{ offer_expires_at: number | null }>(
          "SELECT offer_expires_at FROM jobs WHERE job_id = ?",
          jobId,
        )
        .one().offer_expires_at,
  );

/** When the job's maximum duration, counted from its first grant, runs out. */
const maxDurationDeadline = (siteId: string, jobId: string) =>
  runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    const { first_granted_at } = state.storage.sql
      .exec<{ first_granted_at: number }>("SELECT first_granted_at FROM jobs WHERE job_id = ?", jobId)
      .one();
    return first_granted_at + readHubSettings(env).jobMaxDurationMs;
  });

/** Says the agent has no room, so a job the sweep takes back stays queued instead of being re-offered. */
async function full(agent: TestAgent) {
  agent.send({ type: "lease.renew", leases: [], capacity: 0, draining: false });
  await agent.next("lease.renewed");
}

/** A site whose one agent holds a lease on each of `jobIds`, then has no room left. */
async function siteHolding(label: string, jobIds: string[]) {
  const siteId = freshSite(label);
  const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { capacity: jobIds.length });
  for (const jobId of jobIds) {
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob(jobId) });
    await takeJob(agent, jobId);
  }
  await full(agent);
  return { siteId, agent };
}

describe("AgentHub sweep alarm", () => {
  it("re-arms for the next lease still outstanding after a sweep", async () => {
    const { siteId } = await siteHolding("rearm", ["rearm-1", "rearm-2"]);
    const next = Date.now() + 3_600_000;
    await setLeaseExpiry(siteId, "rearm-1", 1);
    await setLeaseExpiry(siteId, "rearm-2", next);
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect(await hubOf(siteId).jobStatus("rearm-1")).toMatchObject({ state: "queued", epoch: 1 });
    expect(await hubOf(siteId).jobStatus("rearm-2")).toMatchObject({ state: "leased", epoch: 1 });
    expect(await alarmOf(siteId)).toBe(next);
  });

  it("leaves only the job's maximum duration armed once nothing is offered or leased, and arms again when a job is offered", async () => {
    const { siteId, agent } = await siteHolding("idle", ["idle-1"]);
    await expireDeadlines(siteId);
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect(await hubOf(siteId).jobStatus("idle-1")).toMatchObject({ state: "queued" });
    // nothing offered or leased: the one alarm left is the job's maximum duration, counted from its first
    // grant (a job that can never be placed again still ends)
    expect(await alarmOf(siteId)).toBe(await maxDurationDeadline(siteId, "idle-1"));
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    expect((await agent.next("job.offer")).jobId).toBe("idle-1");
    const deadline = await offerDeadline(siteId, "idle-1");
    expect(deadline).not.toBeNull();
    expect(await alarmOf(siteId)).toBe(deadline);
  });

  it("arms for the earliest of the deadlines still outstanding", async () => {
    const { siteId } = await siteHolding("earliest", ["earliest-1", "earliest-2"]);
    const soon = Date.now() + 60_000;
    await setLeaseExpiry(siteId, "earliest-1", soon);
    await setLeaseExpiry(siteId, "earliest-2", soon + 60_000);
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect(await alarmOf(siteId)).toBe(soon);
  });

  it("lets a failing sweep throw for the runtime to retry, and re-arms itself before the last retry", async () => {
    const { siteId } = await siteHolding("failing", ["failing-1"]);
    const seen = await runInDurableObject(hubOf(siteId), async (hub: AgentHub, state) => {
      // the sweep's first read fails as if storage broke
      state.storage.sql.exec("ALTER TABLE jobs RENAME TO jobs_away");
      await state.storage.deleteAlarm();
      const early = await hub.alarm({ isRetry: true, retryCount: 4, scheduledTime: 0 }).then(
        () => "swept",
        (error: unknown) => String(error),
      );
      const afterEarly = await state.storage.getAlarm();
      const before = Date.now();
      await hub.alarm({ isRetry: true, retryCount: 5, scheduledTime: 0 });
      const after = Date.now();
      const afterLast = await state.storage.getAlarm();
      state.storage.sql.exec("ALTER TABLE jobs_away RENAME TO jobs");
      return { early, afterEarly, before, after, afterLast };
    });
    expect(seen.early).toMatch(/no such table: jobs/);
    expect(seen.afterEarly).toBeNull();
    expect(seen.afterLast).toBeGreaterThanOrEqual(seen.before + 30_000);
    expect(seen.afterLast).toBeLessThanOrEqual(seen.after + 30_000);
    // once storage answers again, the re-armed alarm sweeps as usual
    await expireDeadlines(siteId);
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect(await hubOf(siteId).jobStatus("failing-1")).toMatchObject({ state: "queued" });
    expect((await hubOf(siteId).status()).counters.leases_expired).toBe(1);
  });
});
