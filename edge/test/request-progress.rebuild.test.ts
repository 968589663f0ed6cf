import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { formatProgressCursor } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { subscriberUpgrade } from "../src/request-progress/subscriber.ts";
import { iso, progressStub, rewriteFacts, stageUpdate, subscribe, subscriber } from "./progress-fixtures.ts";
import {
  approve,
  approvedRequest,
  completedRun,
  failedRun,
  pendingRequest,
  record,
  report,
  seedTenant,
  stageAt,
} from "./progress-workflow-fixtures.ts";

describe("RequestProgress rebuild from the log", () => {
  it("rebuilds stage times and the tenant from D1 for a first subscriber", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const t0 = Date.now() - 120_000;
    // the first stage opens the VM's stream; later ones come from the job's hub (provisioning.held-stages)
    await record(tenant, requestId, stageAt("CLONING", t0));
    const reader = await subscribe(subscriber(requestId, { tenantId: tenant.tenantId }));
    expect(await reader.next()).toMatchObject({
      type: "snapshot",
      seq: 1,
      state: {
        stages: [{ stage: "CLONING", startedAt: iso(t0), endedAt: null }],
        currentStage: "CLONING",
        eta: null,
      },
    });
  });

  it("pins the tenant from the log, refusing a subscriber and a publisher of another tenant", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const other = await progressStub(requestId).fetch(
      subscriberUpgrade(subscriber(requestId, { tenantId: "intruder" })),
    );
    expect(other.status).toBe(404);
    const refused = await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), {
      tenantId: "intruder",
    });
    expect(refused.ok ? null : refused.error.code).toBe("WRONG_OBJECT");
  });

  it("rebuilds a finished run with its outcome for a late viewer", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await record(tenant, requestId, stageAt("CLONING", Date.now() - 60_000));
    await failedRun(tenant, requestId);
    const reader = await subscribe(
      subscriber(requestId, { tenantId: tenant.tenantId, seesTechnicalDetail: true }),
    );
    const snapshot = await reader.next();
    expect(snapshot.type === "snapshot" && snapshot.state.terminal?.outcome).toMatchObject({
      status: "failed",
      code: "INSUFFICIENT_RESOURCES",
      technicalDetail: "InsufficientResourcesFault on task-7 (host-12)",
    });
    expect((await reader.closed).code).toBe(1000);
  });

  it("learns the ETA from the tenant's last runs of the same template and size only", async () => {
    const tenant = await seedTenant();
    const usual = { CLONING: 60_000, CONFIGURING: 20_000, POWERING_ON: 10_000, WAITING_FOR_NETWORK: 30_000 };
    await completedRun(tenant, { durations: usual });
    await completedRun(tenant, { durations: { ...usual, CLONING: 100_000 } });
    // other template and other size must not count
    await completedRun(tenant, { template: "windows", durations: { ...usual, CLONING: 900_000 } });
    await completedRun(tenant, { size: "XL", durations: { ...usual, CLONING: 900_000 } });
    const requestId = await approvedRequest(tenant);
    const now = Date.now();
    await record(tenant, requestId, stageAt("CLONING", now));
    const reader = await subscribe(subscriber(requestId, { tenantId: tenant.tenantId }));
    const snapshot = await reader.next();
    if (snapshot.type !== "snapshot" || !snapshot.state.eta) throw new Error("expected an eta");
    // averages: cloning 80 s + 20 s + 10 s + 30 s = 140 s
    expect(snapshot.state.eta).toMatchObject({ expectedTotalMs: 140_000, runs: 2 });
    const finishIn = Date.parse(snapshot.state.eta.finishAt) - now;
    expect(finishIn).toBeGreaterThan(130_000);
    expect(finishIn).toBeLessThanOrEqual(140_000);
  });

  it("learns the ETA at the first stage when the viewer arrived before the approval", async () => {
    const tenant = await seedTenant();
    const usual = { CLONING: 60_000, CONFIGURING: 20_000, POWERING_ON: 10_000, WAITING_FOR_NETWORK: 30_000 };
    await completedRun(tenant, { durations: usual });
    const pending = await pendingRequest(tenant);
    const reader = await subscribe(subscriber(pending.requestId, { tenantId: tenant.tenantId }));
    const before = await reader.next();
    expect(before.type === "snapshot" && before.state.eta).toBeNull();

    const requestId = await approve(tenant, pending);
    const now = Date.now();
    await record(tenant, requestId, stageAt("CLONING", now));
    await progressStub(requestId).publish(stageUpdate(requestId, "CLONING", new Date(now).toISOString()), {
      tenantId: tenant.tenantId,
    });
    const stage = await reader.next();
    expect(stage).toMatchObject({
      type: "stage",
      stage: "CLONING",
      eta: { expectedTotalMs: 120_000, runs: 1 },
    });
  });

  it("shows no ETA when the tenant has no history for this template and size", async () => {
    const tenant = await seedTenant();
    await completedRun(tenant, { template: "windows", durations: { CLONING: 1000 } });
    const requestId = await approvedRequest(tenant);
    await record(tenant, requestId, stageAt("CLONING", Date.now()));
    const reader = await subscribe(subscriber(requestId, { tenantId: tenant.tenantId }));
    expect(await reader.next()).toMatchObject({ type: "snapshot", state: { eta: null, tooLong: false } });
  });

  it("rebuilds after the retention purge in a new epoch, so an old cursor gets a snapshot", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await record(tenant, requestId, stageAt("CLONING", Date.now() - 60_000));
    await failedRun(tenant, requestId);
    const who = subscriber(requestId, { tenantId: tenant.tenantId });
    const first = await (await subscribe(who)).next();
    if (first.type !== "snapshot") throw new Error("expected a snapshot");
    await rewriteFacts(requestId, (facts) => ({ ...facts, retainUntil: Date.now() - 1 }));
    await runInDurableObject(progressStub(requestId), (_instance, state) =>
      state.storage.setAlarm(Date.now()),
    );
    expect(await runDurableObjectAlarm(progressStub(requestId))).toBe(true);

    const after = formatProgressCursor({ epoch: first.epoch, seq: first.seq });
    const late = await (await subscribe({ ...who, after })).next();
    expect(late).toMatchObject({
      type: "snapshot",
      seq: first.seq,
      state: { terminal: { at: first.state.terminal?.at } },
    });
    expect(late.type === "snapshot" && late.epoch).not.toBe(first.epoch);
  });

  it("catches up a terminal state whose publish was lost when a viewer arrives after a silence", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", Date.now() - 120_000));
    await failedRun(tenant, requestId);
    await rewriteFacts(requestId, (facts) => ({
      ...facts,
      touchedAt: facts.touchedAt - 60_000,
      syncedAt: facts.syncedAt - 60_000,
    }));
    const reader = await subscribe(subscriber(requestId, { tenantId: tenant.tenantId }));
    expect(await reader.next()).toMatchObject({
      type: "snapshot",
      seq: 2,
      state: { terminal: { outcome: { status: "failed" } } },
    });
  });

  it("pushes a missed terminal state to open sockets when its check-the-log alarm fires", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", Date.now() - 300_000));
    const reader = await subscribe(subscriber(requestId, { tenantId: tenant.tenantId }));
    await reader.next();
    await failedRun(tenant, requestId);
    await rewriteFacts(requestId, (facts) => ({
      ...facts,
      touchedAt: facts.touchedAt - 600_000,
      syncedAt: facts.syncedAt - 600_000,
    }));
    expect(await runDurableObjectAlarm(progressStub(requestId))).toBe(true);
    expect(await reader.next()).toMatchObject({ type: "terminal", seq: 2, outcome: { status: "failed" } });
    expect((await reader.closed).code).toBe(1000);
  });
});
