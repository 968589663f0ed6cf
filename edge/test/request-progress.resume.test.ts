import { formatProgressCursor, type ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import {
  failedUpdate,
  percentUpdate,
  progressStub,
  stageUpdate,
  subscribe,
  subscriber,
  uniqueId,
} from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };

/** Starts a run at CLONING and returns the epoch its first subscriber saw. */
async function startRun(requestId: string): Promise<string> {
  await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
  const first = await subscribe(subscriber(requestId));
  const snapshot = await first.next();
  first.ws.close(1000, "test done");
  if (snapshot.type !== "snapshot") throw new Error("expected a snapshot first");
  return snapshot.epoch;
}

const summary = (f: ProgressFrame) => (f.type === "stage" ? `${f.seq}:${f.stage}` : `${f.seq}:${f.type}`);

describe("RequestProgress resume", () => {
  it("replays exactly the frames after the cursor, then continues live", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    await stub.publish(stageUpdate(requestId, "POWERING_ON"), tenant);

    const reader = await subscribe(subscriber(requestId, { after: formatProgressCursor({ epoch, seq: 1 }) }));
    expect((await reader.take(2)).map(summary)).toEqual(["2:CONFIGURING", "3:POWERING_ON"]);
    await stub.publish(stageUpdate(requestId, "WAITING_FOR_NETWORK"), tenant);
    expect(summary(await reader.next())).toBe("4:WAITING_FOR_NETWORK");
    expect(reader.pending()).toEqual([]);
  });

  it("sends nothing to a subscriber that missed nothing until the next update", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    const reader = await subscribe(subscriber(requestId, { after: formatProgressCursor({ epoch, seq: 1 }) }));
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    expect((await reader.take(1)).map(summary)).toEqual(["2:CONFIGURING"]);
  });

  it("adds the current percent after the missed frames, repeating their seq", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    await stub.publish(percentUpdate(requestId, "CONFIGURING", 35), tenant);
    const reader = await subscribe(subscriber(requestId, { after: formatProgressCursor({ epoch, seq: 1 }) }));
    const [stage, percent] = await reader.take(2);
    expect(stage && summary(stage)).toBe("2:CONFIGURING");
    expect(percent).toMatchObject({ type: "percent", seq: 2, stage: "CONFIGURING", percent: 35 });
  });

  it("delivers a missed terminal frame on resume, then closes", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    await stub.publish(failedUpdate(requestId), tenant);
    const reader = await subscribe(subscriber(requestId, { after: formatProgressCursor({ epoch, seq: 1 }) }));
    expect(summary(await reader.next())).toBe("2:terminal");
    expect((await reader.closed).code).toBe(1000);
  });

  it("does not repeat a terminal frame the subscriber already has", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    await stub.publish(failedUpdate(requestId), tenant);
    const reader = await subscribe(subscriber(requestId, { after: formatProgressCursor({ epoch, seq: 2 }) }));
    expect((await reader.closed).code).toBe(1000);
    expect(reader.frames).toEqual([]);
  });

  it.each([
    ["another epoch", (epoch: string) => formatProgressCursor({ epoch: `${epoch}0`, seq: 1 })],
    ["a seq the object never reached", (epoch: string) => formatProgressCursor({ epoch, seq: 9 })],
    ["a malformed cursor", () => "not-a-cursor"],
  ])("answers %s with a snapshot", async (_case, cursorFor) => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const epoch = await startRun(requestId);
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    const reader = await subscribe(subscriber(requestId, { after: cursorFor(epoch) }));
    expect(await reader.next()).toMatchObject({
      type: "snapshot",
      seq: 2,
      epoch,
      state: { currentStage: "CONFIGURING" },
    });
  });
});
