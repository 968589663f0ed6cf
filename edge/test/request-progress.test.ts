import { describe, expect, it } from "vitest";
import { subscriberUpgrade } from "../src/request-progress/subscriber.ts";
import {
  failedUpdate,
  iso,
  progressStub,
  stageUpdate,
  subscribe,
  subscriber,
  succeededUpdate,
  uniqueId,
} from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };

describe("RequestProgress publish", () => {
  it("pushes every stage to a subscriber in order with its timestamp", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    // a run that started a minute ago, well inside the "taking longer" threshold
    const t0 = Date.now() - 60_000;
    await stub.publish(stageUpdate(requestId, "CLONING", iso(t0)), tenant);
    const reader = await subscribe(subscriber(requestId));
    expect((await reader.next()).type).toBe("snapshot");

    const stages = ["CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"] as const;
    for (const [i, stage] of stages.entries()) {
      await stub.publish(stageUpdate(requestId, stage, iso(t0 + (i + 1) * 10_000)), tenant);
    }
    const frames = await reader.take(4);
    expect(frames.map((f) => (f.type === "stage" ? [f.seq, f.stage, f.at] : f.type))).toEqual([
      [2, "CONFIGURING", iso(t0 + 10_000)],
      [3, "POWERING_ON", iso(t0 + 20_000)],
      [4, "WAITING_FOR_NETWORK", iso(t0 + 30_000)],
      [5, "READY", iso(t0 + 40_000)],
    ]);
  });

  it("starts a subscription with a snapshot of stage times and no eta without history", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    const t0 = Date.now() - 60_000;
    await stub.publish(stageUpdate(requestId, "CLONING", iso(t0)), tenant);
    await stub.publish(stageUpdate(requestId, "CONFIGURING", iso(t0 + 30_000)), tenant);
    const reader = await subscribe(subscriber(requestId));
    const snapshot = await reader.next();
    expect(snapshot).toMatchObject({
      type: "snapshot",
      seq: 2,
      requestId,
      state: {
        stages: [
          { stage: "CLONING", startedAt: iso(t0), endedAt: iso(t0 + 30_000) },
          { stage: "CONFIGURING", startedAt: iso(t0 + 30_000), endedAt: null },
        ],
        currentStage: "CONFIGURING",
        percent: null,
        eta: null,
        tooLong: false,
        terminal: null,
      },
    });
  });

  it("ignores a repeated stage and a stage behind the newest one", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(stageUpdate(requestId, "POWERING_ON"), tenant);
    expect(await stub.publish(stageUpdate(requestId, "POWERING_ON"), tenant)).toEqual({
      ok: true,
      value: { seq: 2, applied: false },
    });
    expect(await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant)).toEqual({
      ok: true,
      value: { seq: 2, applied: false },
    });
  });

  it("ignores everything after the terminal state", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(failedUpdate(requestId), tenant);
    expect(await stub.publish(stageUpdate(requestId, "READY"), tenant)).toEqual({
      ok: true,
      value: { seq: 2, applied: false },
    });
    expect(await stub.publish(succeededUpdate(requestId), tenant)).toEqual({
      ok: true,
      value: { seq: 2, applied: false },
    });
  });

  it("refuses an update from another tenant than the one it pinned", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const refused = await stub.publish(stageUpdate(requestId, "CONFIGURING"), { tenantId: "tenant-b" });
    expect(refused.ok ? null : refused.error.code).toBe("WRONG_OBJECT");
  });

  it("refuses an update for another request", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const refused = await stub.publish(stageUpdate("req-other", "CONFIGURING"), tenant);
    expect(refused.ok ? null : refused.error.code).toBe("WRONG_OBJECT");
  });

  it("refuses an update that does not match its schema", async () => {
    const requestId = uniqueId("req");
    const bad = { kind: "percent", requestId, stage: "CLONING", percent: 250, at: iso(Date.now()) } as const;
    const refused = await progressStub(requestId).publish(bad, tenant);
    expect(refused.ok ? null : refused.error.code).toBe("INVALID_UPDATE");
  });

  it("refuses a publish without the tenant", async () => {
    const requestId = uniqueId("req");
    const refused = await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), {
      tenantId: "",
    });
    expect(refused.ok ? null : refused.error.code).toBe("INVALID_UPDATE");
  });
});

describe("RequestProgress terminal states", () => {
  it("delivers success with the VM and its warning, then closes the socket as complete", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "READY"), tenant);
    const reader = await subscribe(subscriber(requestId));
    await reader.next();
    await stub.publish(succeededUpdate(requestId, "no IPv4 address within 5 minutes"), tenant);
    expect(await reader.next()).toMatchObject({
      type: "terminal",
      seq: 2,
      outcome: {
        status: "succeeded",
        vm: { vmwareId: "vm-42", vmName: "web-app01", hostname: "app01", ipAddress: "10.0.0.7" },
        warning: "no IPv4 address within 5 minutes",
      },
    });
    expect(await reader.closed).toEqual({ code: 1000, reason: "complete" });
  });

  it("keeps the technical detail of a failure for admins only", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const member = await subscribe(subscriber(requestId));
    const admin = await subscribe(subscriber(requestId, { viewerId: "admin-1", seesTechnicalDetail: true }));
    await member.next();
    await admin.next();
    await stub.publish(failedUpdate(requestId), tenant);
    const seen = await member.next();
    const seenByAdmin = await admin.next();
    expect(seen.type === "terminal" && seen.outcome).toEqual({
      status: "failed",
      code: "INSUFFICIENT_RESOURCES",
      userMessage: "The cluster has no room for this VM.",
      retriable: true,
      cleanupFailed: false,
    });
    expect(seenByAdmin.type === "terminal" && seenByAdmin.outcome).toMatchObject({
      technicalDetail: "InsufficientResourcesFault on task-7 (host-12)",
    });
    expect(member.raw.join("")).not.toContain("InsufficientResourcesFault");
  });

  it("gives a late viewer the final state in its snapshot, then closes", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    await stub.publish(failedUpdate(requestId), tenant);
    const reader = await subscribe(subscriber(requestId));
    const snapshot = await reader.next();
    expect(snapshot.type === "snapshot" && snapshot.state.terminal?.outcome).toMatchObject({
      status: "failed",
      userMessage: "The cluster has no room for this VM.",
    });
    expect(snapshot.type === "snapshot" && snapshot.state.currentStage).toBeNull();
    expect(JSON.stringify(snapshot)).not.toContain("InsufficientResourcesFault");
    expect((await reader.closed).code).toBe(1000);
  });
});

describe("RequestProgress subscriptions", () => {
  it("refuses a subscriber from another tenant exactly like an unknown request", async () => {
    const requestId = uniqueId("req");
    await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
    const other = await progressStub(requestId).fetch(
      subscriberUpgrade(subscriber(requestId, { tenantId: "tenant-b" })),
    );
    const unknownId = uniqueId("req");
    const unknown = await progressStub(unknownId).fetch(subscriberUpgrade(subscriber(unknownId)));
    expect([other.status, await other.text()]).toEqual([404, "not found"]);
    expect([unknown.status, await unknown.text()]).toEqual([404, "not found"]);
  });

  it("refuses an upgrade without a valid subscriber", async () => {
    const requestId = uniqueId("req");
    const res = await progressStub(requestId).fetch("https://request-progress.internal/connect", {
      headers: { Upgrade: "websocket", "x-gantry-progress-subscriber": '{"requestId":"x"}' },
    });
    expect(res.status).toBe(400);
  });

  it("answers anything but a WebSocket upgrade with 426", async () => {
    const res = await progressStub(uniqueId("req")).fetch("https://request-progress.internal/connect");
    expect(res.status).toBe(426);
  });
});
