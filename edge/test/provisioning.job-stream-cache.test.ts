import { env } from "cloudflare:workers";
import type { ReachedStage } from "@gantry/shared/events/vm";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import { beforeAll, describe, expect, it } from "vitest";
import { JobStreamCache } from "../src/commands/job-stream-cache.ts";
import { loadVmRequestAndVm } from "../src/commands/load-aggregates.ts";
import { recordJobUpdate } from "../src/commands/record-job-update.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { CallCountingD1 } from "./support/d1-wrappers.ts";
import { failure, frame, stageAt, succeededAt } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

const start = new Date("2026-03-02T10:00:00.000Z");
const at = (s: number) => new Date(start.getTime() + s * 1000);

async function approvedRequest(w: TestWorkflow): Promise<string> {
  const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  return requestId;
}

function setup() {
  const db = new CallCountingD1(env.DB);
  const w = testWorkflow({ db });
  const cache = new JobStreamCache();
  const record = (report: JobReport & { update: ProvisioningUpdate }, withCache = true) =>
    recordJobUpdate(w.deps, report, withCache ? { cache } : {});
  /** D1 round trips one call makes */
  const callsOf = async (work: () => Promise<unknown>) => {
    const before = db.calls;
    await work();
    return db.calls - before;
  };
  return { db, w, cache, record, callsOf };
}

describe("job updates with the hub's stream cache", () => {
  it("decide a job's later stages on what its last commit left, without a D1 call", async () => {
    const { w, cache, record, callsOf } = setup();
    const requestId = await approvedRequest(w);
    const stage = (name: Parameters<typeof stageAt>[0], s: number, stagesReached: ReachedStage[] = []) =>
      frame(requestId, stageAt(name, at(s)), { tenantId: t.tenantId, stagesReached });
    expect(await callsOf(() => record(stage("CLONING", 0)))).toBe(2);
    expect(cache.size).toBe(1);
    // what the hub holds after each: the stage the command hands back
    const held: ReachedStage[] = [];
    const hold = async (report: ReturnType<typeof stage>) => {
      const recorded = await record(report);
      if (recorded.ok && recorded.value.stageReached) held.push(recorded.value.stageReached);
    };
    expect(await callsOf(() => hold(stage("CONFIGURING", 20)))).toBe(0);
    expect(await callsOf(() => hold(stage("POWERING_ON", 50, [...held])))).toBe(0);
    expect(held.at(-1)).toEqual({
      stage: "POWERING_ON",
      at: at(50).toISOString(),
      previous: { stage: "CONFIGURING", durationMs: 30_000 },
    });
    // what the cache decided on is what a read gives
    expect(cache.take(requestId)).toEqual(await loadVmRequestAndVm(env.DB, requestId, requestId));
  });

  it("decide again on a fresh read when another writer moved the streams on", async () => {
    const { w, record } = setup();
    const requestId = await approvedRequest(w);
    await record(frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId }));
    // e.g. the same job's outcome recorded by the hub's previous incarnation
    const failed = { kind: "failed", failure, at: at(10).toISOString() } as const;
    await record(frame(requestId, failed, { tenantId: t.tenantId }), false);
    const result = await record(frame(requestId, succeededAt(at(25)), { tenantId: t.tenantId }));
    expect(result).toMatchObject({ ok: true, value: { recorded: false, requestStatus: "FAILED" } });
    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.map((e) => e.event.type)).toEqual(["VmProvisioningStarted", "VmProvisioningFailed"]);
  });

  it("recognise a re-sent frame and forget a job once it ended", async () => {
    const { w, cache, record } = setup();
    const requestId = await approvedRequest(w);
    const sent = frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId });
    await record(sent);
    expect(await record(sent)).toMatchObject({ ok: true, value: { recorded: false, events: [] } });
    expect((await readStream(env.DB, `vm:${requestId}`)).version).toBe(1);
    await record(frame(requestId, succeededAt(at(40)), { tenantId: t.tenantId }));
    expect(cache.size).toBe(0);
  });
});

describe("JobStreamCache", () => {
  it("keeps at most its limit, dropping the job that went longest without an update", async () => {
    const { w } = setup();
    const loaded = await loadVmRequestAndVm(env.DB, await approvedRequest(w), "none");
    const cache = new JobStreamCache(2);
    cache.put("a", loaded);
    cache.put("b", loaded);
    cache.put("a", loaded);
    cache.put("c", loaded);
    expect(cache.size).toBe(2);
    expect(cache.take("b")).toBeUndefined();
    expect(cache.take("a")).toBe(loaded);
    expect(cache.take("a")).toBeUndefined();
  });
});
