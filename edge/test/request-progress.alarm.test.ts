import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SLOW_FLOOR_MS } from "../src/projections/eta.ts";
import {
  failedUpdate,
  iso,
  oneMinuteRuns,
  progressStub,
  rewriteFacts,
  stageUpdate,
  subscribe,
  subscriber,
  uniqueId,
} from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };
const DAY_MS = 86_400_000;
// how far ahead of "now" the slow threshold is set, so the test sees it armed and then fired: long enough
// that a loaded runner (one shared workerd, two cores) subscribes before it passes, short enough to wait for
const ALARM_AHEAD_MS = 2_500;

const alarmOf = (requestId: string) =>
  runInDurableObject(progressStub(requestId), (_instance, state) => state.storage.getAlarm());

const tables = (requestId: string) =>
  runInDurableObject(progressStub(requestId), (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'progress_%'",
      )
      .toArray()
      .map((row) => row.name),
  );

describe("RequestProgress ETA and slow notice", () => {
  it("puts an ETA from history into each stage frame", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await rewriteFacts(requestId, (facts) => ({ ...facts, stats: oneMinuteRuns }));
    const reader = await subscribe(subscriber(requestId));
    const snapshot = await reader.next();
    expect(snapshot.type === "snapshot" && snapshot.state.eta).toMatchObject({
      expectedTotalMs: 60_000,
      runs: 5,
    });
    const before = Date.now();
    await stub.publish(stageUpdate(requestId, "CONFIGURING", iso(before)), tenant);
    const frame = await reader.next();
    if (frame.type !== "stage" || !frame.eta) throw new Error("expected a stage frame with an eta");
    // CONFIGURING, POWERING_ON and WAITING_FOR_NETWORK remain: 30 s from the stage start
    const remaining = Date.parse(frame.eta.finishAt) - before;
    expect(remaining).toBeGreaterThanOrEqual(29_000);
    expect(remaining).toBeLessThanOrEqual(30_000);
  });

  it("arms an alarm for the slow threshold and pushes the notice when it fires", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const start = Date.now() - SLOW_FLOOR_MS + ALARM_AHEAD_MS;
    await stub.publish(stageUpdate(requestId, "CLONING", iso(start)), tenant);
    await rewriteFacts(requestId, (facts) => ({ ...facts, stats: oneMinuteRuns }));
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    expect(await reader.next()).toMatchObject({ type: "stage", tooLong: false });
    expect(await alarmOf(requestId)).toBe(start + SLOW_FLOOR_MS);
    // the alarm fires on its own at the threshold; the notice arrives without a refresh
    expect(await reader.next()).toMatchObject({ type: "slow", seq: 3, eta: { runs: 5 } });
    const late = await subscribe(subscriber(requestId));
    expect(await late.next()).toMatchObject({ type: "snapshot", state: { tooLong: true } });
  });

  it("flags a run as slow on the stage change that finds it past the threshold", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING", iso(Date.now() - SLOW_FLOOR_MS - 1000)), tenant);
    await rewriteFacts(requestId, (facts) => ({ ...facts, stats: oneMinuteRuns }));
    const reader = await subscribe(subscriber(requestId));
    // a subscription also checks the threshold, so the first frame already says so
    expect(await reader.next()).toMatchObject({ type: "snapshot", seq: 2, state: { tooLong: true } });
    await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
    expect(await reader.next()).toMatchObject({ type: "stage", seq: 3, tooLong: true });
  });

  it("flags a first run (no history, so no ETA) after ten minutes like any other", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING", iso(Date.now() - 3 * SLOW_FLOOR_MS)), tenant);
    const reader = await subscribe(subscriber(requestId));
    expect(await reader.next()).toMatchObject({ type: "snapshot", state: { tooLong: true, eta: null } });
  });

  it("arms the ten-minute alarm for a first run and pushes the notice when it fires", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const start = Date.now() - SLOW_FLOOR_MS + ALARM_AHEAD_MS;
    await stub.publish(stageUpdate(requestId, "CLONING", iso(start)), tenant);
    const reader = await subscribe(subscriber(requestId));
    expect(await reader.next()).toMatchObject({ type: "snapshot", state: { tooLong: false, eta: null } });
    expect(await alarmOf(requestId)).toBe(start + SLOW_FLOOR_MS);
    expect(await reader.next()).toMatchObject({ type: "slow", eta: null });
  });
});

describe("RequestProgress retention", () => {
  it("keeps the final state after the end and arms the purge for the retention period", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const before = Date.now();
    await stub.publish(failedUpdate(requestId), tenant);
    const alarm = await alarmOf(requestId);
    expect(alarm).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + DAY_MS);
    // an early or repeated alarm changes nothing and re-arms the same deadline
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await alarmOf(requestId)).toBe(alarm);
    expect(await tables(requestId)).toEqual(["progress_facts", "progress_frames"]);
  });

  it("clears its storage once the retention period has passed, and does so idempotently", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(failedUpdate(requestId), tenant);
    await rewriteFacts(requestId, (facts) => ({ ...facts, retainUntil: Date.now() - 1 }));
    await runInDurableObject(stub, (_instance, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await tables(requestId)).toEqual([]);
    expect(await alarmOf(requestId)).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("drops a run silent for a week and closes its subscribers as expired", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await rewriteFacts(requestId, (facts) => ({ ...facts, touchedAt: Date.now() - 8 * DAY_MS }));
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await reader.closed).toEqual({ code: 4410, reason: "expired" });
    expect(await tables(requestId)).toEqual([]);
  });
});
