import { MAX_BROWSER_FRAME_BYTES, PROGRESS_PROTOCOL_VERSION } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { progressStub, stageUpdate, subscribe, subscriber, uniqueId } from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };
const v = PROGRESS_PROTOCOL_VERSION;

async function openSubscriber() {
  const requestId = uniqueId("req");
  await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
  const reader = await subscribe(subscriber(requestId));
  await reader.next();
  return reader;
}

describe("RequestProgress browser frames", () => {
  it("answers a resync with a fresh snapshot", async () => {
    const reader = await openSubscriber();
    reader.ws.send(JSON.stringify({ v, type: "resync" }));
    expect(await reader.next()).toMatchObject({
      type: "snapshot",
      seq: 1,
      state: { currentStage: "CLONING" },
    });
  });

  it("answers a malformed frame with an error frame and keeps the socket", async () => {
    const reader = await openSubscriber();
    reader.ws.send("{not json");
    expect(await reader.next()).toMatchObject({ type: "error", code: "MALFORMED_FRAME", seq: 1 });
    reader.ws.send(JSON.stringify({ v, type: "resync" }));
    expect((await reader.next()).type).toBe("snapshot");
  });

  it("names an unknown frame type", async () => {
    const reader = await openSubscriber();
    reader.ws.send(JSON.stringify({ v, type: "subscribe", requestId: "someone-else" }));
    expect(await reader.next()).toMatchObject({ type: "error", code: "UNKNOWN_TYPE" });
  });

  it("refuses binary frames", async () => {
    const reader = await openSubscriber();
    reader.ws.send(new Uint8Array([1, 2, 3]));
    expect(await reader.next()).toMatchObject({ type: "error", code: "MALFORMED_FRAME" });
  });

  it("closes with 1008 on the third malformed frame", async () => {
    const reader = await openSubscriber();
    for (const raw of ["{", "[]", JSON.stringify({ v, type: "resync", extra: true })]) reader.ws.send(raw);
    expect((await reader.closed).code).toBe(1008);
    expect(reader.frames.filter((f) => f.type === "error")).toHaveLength(2);
  });

  it("closes with 1009 on a frame over 4 KiB without parsing it", async () => {
    const reader = await openSubscriber();
    reader.ws.send(JSON.stringify({ v, type: "resync", pad: "x".repeat(MAX_BROWSER_FRAME_BYTES) }));
    expect((await reader.closed).code).toBe(1009);
    expect(reader.pending()).toEqual([]);
  });

  it("answers a ping with pong", async () => {
    const reader = await openSubscriber();
    const pong = new Promise<string>((resolve) => {
      reader.ws.addEventListener("message", (event) => {
        if (event.data === "pong") resolve(event.data);
      });
    });
    reader.ws.send("ping");
    expect(await pong).toBe("pong");
  });

  it("closes with 1008 when a browser floods the socket", async () => {
    const reader = await openSubscriber();
    for (let i = 0; i < 30; i++) reader.ws.send(JSON.stringify({ v, type: "resync" }));
    expect(await reader.closed).toEqual({ code: 1008, reason: "too many frames" });
    const snapshots = reader.frames.filter((f) => f.type === "snapshot").length;
    expect(snapshots).toBeGreaterThanOrEqual(10);
    expect(snapshots).toBeLessThan(30);
  });
});
