import { env } from "cloudflare:workers";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import { beforeAll, describe, expect, it } from "vitest";
import { JobStreamCache } from "../src/commands/job-stream-cache.ts";
import { loadVmRequestAndVm } from "../src/commands/load-aggregates.ts";
import { recordJobUpdate } from "../src/commands/record-job-update.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { CallCountingD1 } from "./support/d1-wrappers.ts";
import { frame, stageAt, succeededAt } from "./support/job-updates.ts";
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
  it("decide a job's next update on what its last commit left: one D1 call instead of two", async () => {
    const { w, cache, record, callsOf } = setup();
    const requestId = await approvedRequest(w);
    const stage = (name: Parameters<typeof stageAt>[0], s: number) =>
      frame(requestId, stageAt(name, at(s)), { tenantId: t.tenantId });
    expect(await callsOf(() => record(stage("CLONING", 0)))).toBe(2);
    expect(cache.size).toBe(1);
    expect(await callsOf(() => record(stage("CONFIGURING", 20)))).toBe(1);
    expect(await callsOf(() => record(stage("POWERING_ON", 50)))).toBe(1);
    // what the cache decided on is what a read gives
    expect(cache.take(requestId)).toEqual(await loadVmRequestAndVm(env.DB, requestId, requestId));
    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.at(-1)?.event).toEqual({
      type: "VmProvisioningStageReached",
      data: { vmId: requestId, stage: "POWERING_ON", previous: { stage: "CONFIGURING", durationMs: 30_000 } },
    });
  });

  it("decide again on a fresh read when another writer moved the streams on", async () => {
    const { w, record } = setup();
    const requestId = await approvedRequest(w);
    await record(frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId }));
    // e.g. the same job's frame recorded by the hub's previous incarnation
    await record(frame(requestId, stageAt("CONFIGURING", at(10)), { tenantId: t.tenantId }), false);
    const result = await record(frame(requestId, stageAt("POWERING_ON", at(25)), { tenantId: t.tenantId }));
    expect(result).toMatchObject({ ok: true, value: { recorded: true } });
    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.at(-1)?.event).toMatchObject({
      data: { stage: "POWERING_ON", previous: { stage: "CONFIGURING", durationMs: 15_000 } },
    });
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
