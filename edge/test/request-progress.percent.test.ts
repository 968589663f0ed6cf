import { describe, expect, it } from "vitest";
import {
  percentUpdate,
  progressStub,
  stageUpdate,
  subscribe,
  subscriber,
  uniqueId,
} from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };

describe("RequestProgress percent updates", () => {
  it("sends the first percent at once and coalesces a burst into the newest value", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    const started = Date.now();
    for (let percent = 1; percent <= 30; percent++) {
      await stub.publish(percentUpdate(requestId, "CLONING", percent), tenant);
    }
    const seen: number[] = [];
    while (seen.at(-1) !== 30) {
      const frame = await reader.next();
      if (frame.type === "percent") seen.push(frame.percent);
    }
    const elapsed = Date.now() - started;
    expect(seen[0]).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // at most one frame per 100 ms window, plus the first
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
  });

  it("never holds back a stage behind a pending percent, and drops that stale percent", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    await stub.publish(percentUpdate(requestId, "CLONING", 10), tenant);
    await stub.publish(percentUpdate(requestId, "CLONING", 95), tenant);
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    await stub.publish(percentUpdate(requestId, "CONFIGURING", 5), tenant);
    const seen: string[] = [];
    while (seen.at(-1) !== "CONFIGURING 5%") {
      const frame = await reader.next();
      seen.push(frame.type === "percent" ? `${frame.stage} ${frame.percent}%` : frame.type);
    }
    // 95% may go out before the stage only if the publishes were more than 100 ms apart
    const afterStage = seen.slice(seen.indexOf("stage") + 1);
    expect(seen[0]).toBe("CLONING 10%");
    expect(afterStage).toEqual(["CONFIGURING 5%"]);
  });

  it("ignores a percent for a stage that is not the current one", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    expect(await stub.publish(percentUpdate(requestId, "CLONING", 50), tenant)).toEqual({
      ok: true,
      value: { seq: 1, applied: false },
    });
  });

  it("shows the newest percent in a snapshot without storing it as a frame", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(percentUpdate(requestId, "CLONING", 42), tenant);
    const reader = await subscribe(subscriber(requestId));
    expect(await reader.next()).toMatchObject({ type: "snapshot", seq: 1, state: { percent: 42 } });
  });
});
