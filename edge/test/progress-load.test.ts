import { PROVISIONING_STAGES } from "@gantry/shared/jobs/provisioning-stage";
import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import {
  type FrameReader,
  iso,
  progressStub,
  stageUpdate,
  subscribe,
  subscriber,
  succeededUpdate,
  uniqueId,
} from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };
const FANOUT = 100;
// a hundred objects start cold and rebuild from D1 at once; allow for a busy machine
const LOAD_TIMEOUT_MS = 30_000;

/** Reads frames until the terminal one and returns what the subscriber saw, in order. */
async function untilTerminal(reader: FrameReader): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const frame: ProgressFrame = await reader.next();
    seen.push(frame.type === "stage" ? `${frame.seq}:${frame.stage}` : `${frame.seq}:${frame.type}`);
    if (frame.type === "terminal") return seen;
  }
}

const expectedRun = [
  "1:snapshot",
  ...PROVISIONING_STAGES.slice(1).map((stage, i) => `${i + 2}:${stage}`),
  `${PROVISIONING_STAGES.length + 1}:terminal`,
];

async function runAllStages(requestId: string): Promise<void> {
  const stub = progressStub(requestId);
  for (const stage of PROVISIONING_STAGES.slice(1)) await stub.publish(stageUpdate(requestId, stage), tenant);
  await stub.publish(succeededUpdate(requestId), tenant);
}

describe("RequestProgress under load", () => {
  it(
    `delivers every stage in order to ${FANOUT} subscribers of one request`,
    async () => {
      const requestId = uniqueId("req");
      await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
      const readers = await Promise.all(
        Array.from({ length: FANOUT }, (_, i) =>
          subscribe(subscriber(requestId, { viewerId: `viewer-${i}` })),
        ),
      );
      const seen = Promise.all(readers.map(untilTerminal));
      await runAllStages(requestId);
      for (const frames of await seen) expect(frames).toEqual(expectedRun);
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    `keeps ${FANOUT} requests in flight apart, each subscriber seeing only its own run`,
    async () => {
      const requestIds = Array.from({ length: FANOUT }, () => uniqueId("req"));
      await Promise.all(requestIds.map((id) => progressStub(id).publish(stageUpdate(id, "CLONING"), tenant)));
      const readers = await Promise.all(requestIds.map((id) => subscribe(subscriber(id))));
      const seen = Promise.all(readers.map(untilTerminal));
      await Promise.all(requestIds.map(runAllStages));
      const all = await seen;
      for (const frames of all) expect(frames).toEqual(expectedRun);
      for (const [i, reader] of readers.entries()) {
        const snapshot = reader.frames[0];
        expect(snapshot?.type === "snapshot" && snapshot.requestId).toBe(requestIds[i]);
      }
    },
    LOAD_TIMEOUT_MS,
  );

  it("never drops or delays stages behind a flood of percent updates", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const reader = await subscribe(subscriber(requestId));
    const started = Date.now();
    const flood = Array.from({ length: 500 }, (_, i) =>
      stub.publish(
        { kind: "percent", requestId, stage: "CLONING", percent: i / 5, at: iso(Date.now()) },
        tenant,
      ),
    );
    await Promise.all([...flood, runAllStages(requestId)]);
    const frames = await untilTerminal(reader);
    const elapsed = Date.now() - started;
    expect(frames.filter((f) => !f.endsWith(":percent"))).toEqual(expectedRun);
    // coalesced: at most one percent frame per 100 ms (plus the first), however slow the runner
    expect(frames.filter((f) => f.endsWith(":percent")).length).toBeLessThanOrEqual(
      Math.ceil(elapsed / 100) + 1,
    );
  });
});
