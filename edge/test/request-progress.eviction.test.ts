import { evictDurableObject } from "cloudflare:test";
import { formatProgressCursor } from "@gantry/shared/protocol/progress";
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

describe("RequestProgress eviction", () => {
  it("keeps hibernated subscribers and pushes the next stage to them after eviction", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    await evictDurableObject(stub, { webSockets: "hibernate" });
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    expect(await reader.next()).toMatchObject({ type: "stage", seq: 2, stage: "CONFIGURING" });
  });

  it("remembers each hibernated viewer's role across eviction", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const member = await subscribe(subscriber(requestId));
    const admin = await subscribe(subscriber(requestId, { seesTechnicalDetail: true }));
    await member.next();
    await admin.next();
    await evictDurableObject(stub);
    await stub.publish(failedUpdate(requestId), tenant);
    const [forMember, forAdmin] = [await member.next(), await admin.next()];
    expect(
      forMember.type === "terminal" &&
        forMember.outcome.status === "failed" &&
        forMember.outcome.technicalDetail,
    ).toBe(undefined);
    expect(
      forAdmin.type === "terminal" &&
        forAdmin.outcome.status === "failed" &&
        forAdmin.outcome.technicalDetail,
    ).toBe("InsufficientResourcesFault on task-7 (host-12)");
  });

  it("keeps its epoch, stages and seq across eviction and loses only the percent", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(percentUpdate(requestId, "CLONING", 60), tenant);
    const before = await subscribe(subscriber(requestId));
    const first = await before.next();
    await evictDurableObject(stub, { webSockets: "close" });
    const after = await subscribe(subscriber(requestId));
    const second = await after.next();
    if (first.type !== "snapshot" || second.type !== "snapshot") throw new Error("expected snapshots");
    expect(second.epoch).toBe(first.epoch);
    expect(second.seq).toBe(first.seq);
    expect(second.state.stages).toEqual(first.state.stages);
    expect([first.state.percent, second.state.percent]).toEqual([60, null]);
  });

  it("lets a subscriber cut off mid-stream resume with exactly what it missed", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const reader = await subscribe(subscriber(requestId));
    const snapshot = await reader.next();
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    const seen = await reader.next();
    await evictDurableObject(stub, { webSockets: "close" });
    await reader.closed;
    await stub.publish(stageUpdate(requestId, "POWERING_ON"), tenant);
    await stub.publish(stageUpdate(requestId, "WAITING_FOR_NETWORK"), tenant);

    if (snapshot.type !== "snapshot") throw new Error("expected a snapshot");
    const after = formatProgressCursor({ epoch: snapshot.epoch, seq: seen.seq });
    const resumed = await subscribe(subscriber(requestId, { after }));
    const missed = await resumed.take(2);
    expect(missed.map((f) => (f.type === "stage" ? [f.seq, f.stage] : f.type))).toEqual([
      [3, "POWERING_ON"],
      [4, "WAITING_FOR_NETWORK"],
    ]);
    expect(resumed.pending()).toEqual([]);
  });
});
