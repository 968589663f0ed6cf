import { describe, expect, it } from "vitest";
import { iso, progressStub, stageUpdate, subscribe, subscriber, uniqueId } from "./progress-fixtures.ts";
import { connectReader, watch } from "./progress-http-fixtures.ts";
import { approvedRequest, report, seedTenant, stageAt } from "./progress-workflow-fixtures.ts";

// Measures publish → subscriber in workerd and prints the figures; timings are reported, not asserted,
// because a shared CI machine makes any threshold flaky. Date.now() advances at I/O in workerd, which is
// exactly where these measurements start and stop.

const LATER_STAGES = ["CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"] as const;
const RUNS = 15;

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `${label}: n=${sorted.length} p50=${at(0.5)}ms p95=${at(0.95)}ms max=${sorted.at(-1)}ms`;
}

describe("progress latency (reported)", () => {
  it("measures publish → frame on the object's socket", async () => {
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const requestId = uniqueId("lat");
      const stub = progressStub(requestId);
      await stub.publish(stageUpdate(requestId, "CLONING"), { tenantId: "tenant-a" });
      const reader = await subscribe(subscriber(requestId));
      await reader.next();
      for (const stage of LATER_STAGES) {
        const sent = Date.now();
        const arrived = reader.next().then((frame) => ({ frame, at: Date.now() }));
        await stub.publish(stageUpdate(requestId, stage), { tenantId: "tenant-a" });
        const { frame, at } = await arrived;
        expect(frame).toMatchObject({ type: "stage", stage });
        samples.push(at - sent);
      }
    }
    console.log(summary("publish → DO socket", samples));
    expect(samples).toHaveLength(RUNS * LATER_STAGES.length);
  }, 60_000);

  it("measures record in D1 + publish (what the hub does) → browser socket through the Worker route", async () => {
    const tenant = await seedTenant();
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const requestId = await approvedRequest(tenant);
      await report(tenant, requestId, stageAt("CLONING", Date.now()));
      const reader = await connectReader(tenant.member, { requestId });
      await reader.next();
      for (const stage of LATER_STAGES.slice(0, 3)) {
        const sent = Date.now();
        const arrived = reader.next().then((frame) => ({ frame, at: Date.now() }));
        await report(tenant, requestId, stageAt(stage, sent));
        const { frame, at } = await arrived;
        expect(frame).toMatchObject({ type: "stage", stage });
        samples.push(at - sent);
      }
    }
    console.log(summary("agent frame recorded + published → /progress socket", samples));
    expect(samples).toHaveLength(RUNS * 3);
  }, 60_000);

  it("measures publish → SSE event of progress.watch through the Worker", async () => {
    const tenant = await seedTenant();
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const requestId = await approvedRequest(tenant);
      await report(tenant, requestId, stageAt("CLONING", Date.now()));
      const sse = await watch(tenant.member, { requestId });
      await sse.nextFrame();
      for (const stage of LATER_STAGES.slice(0, 3)) {
        const sent = Date.now();
        const arrived = sse.nextFrame().then(({ frame }) => ({ frame, at: Date.now() }));
        await progressStub(requestId).publish({ kind: "stage", requestId, stage, at: iso(sent) }, tenant);
        const { frame, at } = await arrived;
        expect(frame).toMatchObject({ type: "stage", stage });
        samples.push(at - sent);
      }
      await sse.cancel();
    }
    console.log(summary("publish → progress.watch SSE", samples));
    expect(samples).toHaveLength(RUNS * 3);
  }, 60_000);
});
