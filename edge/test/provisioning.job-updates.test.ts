import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import {
  failure,
  frame,
  heldStages,
  provisionToReady,
  record,
  stageAt,
  succeededAt,
} from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

async function approvedRequest(w: TestWorkflow): Promise<string> {
  const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  return requestId;
}

const start = new Date("2026-03-02T10:00:00.000Z");
const at = (s: number) => new Date(start.getTime() + s * 1000);

describe("recordJobUpdate", () => {
  it("moves the request to PROVISIONING with the first stage, and hands a later one to the hub to hold", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    const first = await record(
      w,
      frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId, epoch: 3 }),
    );
    expect(first).toMatchObject({
      ok: true,
      value: {
        recorded: true,
        requestStatus: "PROVISIONING",
        // the first stage rides on the event that opens the VM's stream
        events: ["VmProvisioningStarted"],
      },
    });
    const second = await record(
      w,
      frame(requestId, stageAt("CONFIGURING", at(30)), { tenantId: t.tenantId }),
    );
    expect(second).toEqual({
      ok: true,
      value: {
        recorded: true,
        events: [],
        requestStatus: "PROVISIONING",
        rowsWritten: 0,
        stageReached: {
          stage: "CONFIGURING",
          at: at(30).toISOString(),
          previous: { stage: "CLONING", durationMs: 30_000 },
        },
      },
    });

    // the log holds the first stage only: the outcome will carry the later ones
    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.map((e) => e.event.type)).toEqual(["VmProvisioningStarted"]);
    expect(vm.events[0]?.metadata).toMatchObject({ actorKind: "agent", actorId: "agent-1", leaseEpoch: 3 });

    // the summary row writes no row per stage (the request's page reads the stages the hub holds: see
    // agent-hub.edge-time.test.ts)
    const row = await env.DB.prepare(
      "SELECT stage FROM request_summary WHERE tenant_id = ? AND request_id = ?",
    )
      .bind(t.tenantId, requestId)
      .first<{ stage: string | null }>();
    expect(row?.stage).toBeNull();
  });

  it("records nothing for a frame re-sent after a reconnect", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    const sent = frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId });
    await record(w, sent);
    expect(await record(w, sent)).toMatchObject({ ok: true, value: { recorded: false, events: [] } });
    expect((await readStream(env.DB, `vm:${requestId}`)).version).toBe(1);
  });

  it("writes no D1 row for a later stage, nor for it repeated or overtaken", async () => {
    const db = new MeteredD1(env.DB);
    const w = testWorkflow({ db });
    const requestId = await approvedRequest(w);
    const jobId = `job-${requestId}`;
    await record(w, frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId }));
    const before = db.rowsWritten;
    await record(w, frame(requestId, stageAt("POWERING_ON", at(20)), { tenantId: t.tenantId }));
    expect(heldStages(jobId).map((s) => s.stage)).toEqual(["POWERING_ON"]);
    // the agent reports it again (a new frame, e.g. after a retry of the step), then one it passed
    const again = await record(w, frame(requestId, stageAt("POWERING_ON", at(21)), { tenantId: t.tenantId }));
    const behind = await record(
      w,
      frame(requestId, stageAt("CONFIGURING", at(22)), { tenantId: t.tenantId }),
    );
    for (const ignored of [again, behind])
      expect(ignored).toEqual({
        ok: true,
        value: { recorded: false, events: [], requestStatus: "PROVISIONING", rowsWritten: 0 },
      });
    expect(db.rowsWritten - before).toBe(0);
    expect(heldStages(jobId).map((s) => s.stage)).toEqual(["POWERING_ON"]);
  });

  it("carries the held stages on the outcome, which reads as if each had been logged", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    await provisionToReady(w, { requestId, tenantId: t.tenantId, start });
    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.map((e) => e.event.type)).toEqual(["VmProvisioningStarted", "VmProvisioned"]);
    expect(vm.events.at(-1)?.event).toMatchObject({
      data: {
        stages: [
          {
            stage: "CONFIGURING",
            at: at(10).toISOString(),
            previous: { stage: "CLONING", durationMs: 10_000 },
          },
          {
            stage: "POWERING_ON",
            at: at(20).toISOString(),
            previous: { stage: "CONFIGURING", durationMs: 10_000 },
          },
          {
            stage: "WAITING_FOR_NETWORK",
            at: at(30).toISOString(),
            previous: { stage: "POWERING_ON", durationMs: 10_000 },
          },
        ],
      },
    });
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.timeline.filter((e) => e.kind === "STAGE_REACHED").map((e) => [e.title, e.at])).toEqual([
      ["Cloning the template", at(0).toISOString()],
      ["Configuring hardware", at(10).toISOString()],
      ["Powering on", at(20).toISOString()],
      ["Waiting for the network", at(30).toISOString()],
    ]);
    // the ETA statistics learned every stage's duration
    const run = await env.DB.prepare(
      "SELECT cloning_ms, configuring_ms, powering_on_ms, waiting_for_network_ms FROM stage_runs WHERE request_id = ?",
    )
      .bind(requestId)
      .first();
    expect(run).toEqual({
      cloning_ms: 10_000,
      configuring_ms: 10_000,
      powering_on_ms: 10_000,
      waiting_for_network_ms: 15_000,
    });
  });

  it("ignores a stage that goes backwards", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    await record(w, frame(requestId, stageAt("POWERING_ON", at(0)), { tenantId: t.tenantId }));
    expect(
      await record(w, frame(requestId, stageAt("CLONING", at(5)), { tenantId: t.tenantId })),
    ).toMatchObject({
      ok: true,
      value: { recorded: false, requestStatus: "PROVISIONING" },
    });
  });

  it("finishes READY with the VM's details on the request and its timeline", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    const results = await provisionToReady(w, { requestId, tenantId: t.tenantId, start });
    expect(results.at(-1)).toMatchObject({
      ok: true,
      // the VM's lease starts with READY, carried by its VmProvisioned
      value: { requestStatus: "READY", events: ["VmProvisioned"] },
    });

    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "READY",
      stage: "READY",
      vm: { vmwareId: "vm-1001", ipAddress: "10.0.0.5", hostname: "api-01", warning: null },
    });
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "SUBMITTED",
      "APPROVED",
      "PROVISIONING_STARTED",
      "STAGE_REACHED",
      "STAGE_REACHED",
      "STAGE_REACHED",
      "STAGE_REACHED",
      "VM_READY",
    ]);
    expect(detail.stages.map((s) => [s.stage, s.durationMs])).toEqual([
      ["CLONING", 10_000],
      ["CONFIGURING", 10_000],
      ["POWERING_ON", 10_000],
      ["WAITING_FOR_NETWORK", 15_000],
      ["READY", 0],
    ]);
  });

  it("records a VM without an address as READY with the agent's warning", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    await record(w, frame(requestId, succeededAt(at(1), null), { tenantId: t.tenantId }));
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.request.vm).toMatchObject({
      ipAddress: null,
      warning: "VMware Tools did not report an address in time",
    });
    expect(detail.timeline.at(-1)?.detail).toContain("without an IP address yet");
  });

  it("finishes FAILED with a plain sentence for everyone and the technical detail for admins only", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    await record(w, frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId }));
    const failed = await record(
      w,
      frame(requestId, { kind: "failed", failure, at: at(9).toISOString() }, { tenantId: t.tenantId }),
    );
    expect(failed).toMatchObject({ ok: true, value: { requestStatus: "FAILED" } });

    const asMember = await callerFor(t.member, w).requests.get({ requestId });
    const entry = asMember.timeline.at(-1);
    expect(entry).toMatchObject({ kind: "PROVISIONING_FAILED", detail: expect.stringContaining("no room") });
    expect(entry?.technicalDetail).toBeUndefined();
    expect(asMember.request.failure).toMatchObject({ code: "INSUFFICIENT_RESOURCES" });
    const asAdmin = await callerFor(t.admin, w).requests.get({ requestId });
    expect(asAdmin.timeline.at(-1)?.technicalDetail).toContain("InsufficientResourcesFault");
    expect(asAdmin.timeline.at(-1)?.technicalDetail).toContain("3 attempt(s)");
  });

  it("ignores reports after the run ended", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    await record(w, frame(requestId, succeededAt(at(1)), { tenantId: t.tenantId }));
    expect(
      await record(w, frame(requestId, stageAt("CLONING", at(2)), { tenantId: t.tenantId })),
    ).toMatchObject({
      ok: true,
      value: { recorded: false, requestStatus: "READY" },
    });
  });

  it("refuses a report for another tenant's request like a missing one", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    const foreign = await record(w, frame(requestId, stageAt("CLONING", at(0)), { tenantId: "globex" }));
    const missing = await record(w, frame("req_missing", stageAt("CLONING", at(0)), { tenantId: "globex" }));
    expect(foreign.ok ? null : foreign.error.code).toBe("REQUEST_NOT_FOUND");
    expect(missing.ok ? null : missing.error.code).toBe("REQUEST_NOT_FOUND");
  });

  it("refuses a report for a job the request never had", async () => {
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const pending = await record(w, frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId }));
    expect(pending).toMatchObject({ ok: false, error: { code: "JOB_MISMATCH", retryable: false } });
  });

  it("records two concurrent frames of one job that both write without losing either", async () => {
    const w = testWorkflow();
    const requestId = await approvedRequest(w);
    // the first stage and the outcome both append to the VM's stream: one of them is decided again
    const [a, b] = await Promise.all([
      record(w, frame(requestId, stageAt("CLONING", at(0)), { tenantId: t.tenantId })),
      record(
        w,
        frame(requestId, { kind: "failed", failure, at: at(1).toISOString() }, { tenantId: t.tenantId }),
      ),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const types = (await readStream(env.DB, `vm:${requestId}`)).events.map((e) => e.event.type);
    expect(types).toEqual(["VmProvisioningStarted", "VmProvisioningFailed"]);
  });
});
