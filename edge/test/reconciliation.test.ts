import { env } from "cloudflare:workers";
import type { ScannedVm } from "@gantry/shared/protocol/vm-scan";
import { beforeAll, describe, expect, it } from "vitest";
import { reconcileSite } from "../src/commands/reconcile-site.ts";
import { recordUnownedVmUpdate } from "../src/commands/record-unowned-vm-update.ts";
import { connectAgent, hubOf } from "./agent-support.ts";
import { callerFor, codeOf, freshKey } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm } from "./support/vms.ts";

// Reconciliation: a scan of the VMs with our marker against what Gantry believes (unowned, missing,
// reappeared, drift), recorded as events with the admin page's projection; and the hub's scan through
// an agent (parts, then the call's answer; an agent older than protocol 4 never asked)

/** A marker VM as the agent's scan reports it; size M as readyVm builds it unless told otherwise. */
const scanned = (marker: string, vmwareId: string, facts: Partial<ScannedVm["facts"]> = {}): ScannedVm => ({
  markerRequestId: marker,
  vmwareId,
  instanceUuid: `uuid-${vmwareId}`,
  facts: {
    name: "web-api-01",
    powerState: "poweredOn",
    cpu: 4,
    memoryMb: 8192,
    diskGb: 100,
    ipAddress: null,
    hostname: null,
    ...facts,
  },
});

/** When the lease scheduler next looks at the VM (the read model the minute sweep reads). */
const leaseNextAt = (vmId: string) =>
  env.DB.prepare("SELECT vm_lease_next_at AS at FROM request_summary WHERE request_id = ?")
    .bind(vmId)
    .first<string | null>("at");

let scans = 0;
/** Reconciles a scan that started an hour after the test clock's now (after every VM became READY). */
function scan(w: TestWorkflow, t: TestTenant, vms: ScannedVm[]) {
  scans += 1;
  const startedAt = new Date(w.clock.now().getTime() + 3_600_000).toISOString();
  return reconcileSite(w.deps, {
    tenantId: t.tenantId,
    siteId: t.siteId,
    agentId: "agent-scan",
    trigger: "schedule",
    requestedBy: null,
    summary: {
      scanId: `scan-${scans}`,
      startedAt,
      durationMs: 120,
      roundTrips: 3,
      vmCount: vms.length,
      parts: 1,
    },
    vms,
  });
}

/**
 * What the site's agent reports of a reconciliation job (a destruction's or an adoption's): done (with the
 * VM as vCenter shows it, if any), or failed with `code`.
 */
function agentOutcome(
  w: TestWorkflow,
  t: TestTenant,
  job: { jobId: string; requestId: string; kind: "vm.destroy-unowned" | "vm.adopt" },
  outcome: { code: string } | { facts: ScannedVm["facts"] | null } = { facts: null },
) {
  const at = w.clock.now().toISOString();
  return recordUnownedVmUpdate(w.deps, {
    tenantId: t.tenantId,
    requestId: job.requestId,
    jobId: job.jobId,
    agentId: "agent-scan",
    epoch: 1,
    eventId: `frame-${job.jobId}-${"code" in outcome ? outcome.code : "done"}`,
    receivedAt: at,
    jobKind: job.kind,
    update:
      "code" in outcome
        ? {
            kind: "action-failed",
            at,
            failure: {
              code: outcome.code as "MARKER_MISMATCH",
              userMessage: "",
              technicalDetail: "",
              retriable: false,
              attempts: 1,
            },
          }
        : { kind: "action-done", at, result: { facts: outcome.facts, snapshot: null, note: null } },
  });
}

beforeAll(async () => {
  await seedReferenceData(env.DB);
});

describe("comparing a scan with what Gantry believes", () => {
  it("lists unowned marker VMs, marks a vanished VM missing, records drift, and clears missing when it is back", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    const same = await readyVm(w, t, { name: "same", vmwareId: "vm-2001" });
    const resized = await readyVm(w, t, { name: "resized", vmwareId: "vm-2002" });
    const vanished = await readyVm(w, t, { name: "vanished", vmwareId: "vm-2003" });
    const foreign = await readyVm(w, other, { name: "foreign", vmwareId: "vm-2004" });
    const scheduled = await leaseNextAt(vanished);
    expect(scheduled).not.toBeNull();
    const first = await scan(w, t, [
      scanned(same, "vm-2001"),
      scanned(resized, "vm-2002", { cpu: 8 }),
      scanned("req_left_behind", "vm-9001", { name: "old-test-01", powerState: "poweredOff" }),
      // the marker names another tenant's VM: not this tenant's, so unowned here (and nothing leaks)
      scanned(foreign, "vm-2004", { name: "foreign-01" }),
    ]);
    await w.settle();
    expect(first).toEqual({
      ok: true,
      value: expect.objectContaining({ markerVms: 4, unowned: 2, missing: 1, drifted: 1, reappeared: 0 }),
    });

    const member = callerFor(t.member, w);
    const gone = await member.vms.get({ vmId: vanished });
    expect(gone.vm.status).toBe("GONE");
    expect(gone.timeline.at(-1)).toMatchObject({ kind: "GONE", actor: { kind: "agent" } });
    // nothing of a missing VM's lease is due: the sweep leaves it alone
    expect(await leaseNextAt(vanished)).toBeNull();
    // the owner sees it on My VMs
    expect((await member.vms.list({})).items.find((v) => v.vmId === vanished)?.status).toBe("GONE");
    const drifted = await member.vms.get({ vmId: resized });
    expect(drifted.timeline.at(-1)).toMatchObject({ kind: "CHANGED_OUTSIDE_GANTRY" });
    // what the agent's scan does not read (the guest) is kept, not wiped
    expect(drifted.vm).toMatchObject({ spec: { cpu: 8 }, ipAddress: "10.0.0.5" });
    // a VM as recorded gets nothing from the scan: its timeline is READY and the lease that started with it
    expect((await member.vms.get({ vmId: same })).timeline.map((e) => e.kind)).toEqual([
      "PROVISIONED",
      "LEASE",
    ]);
    // the other tenant's VM was not touched
    expect((await callerFor(other.member, w).vms.get({ vmId: foreign })).vm.status).toBe("READY");

    const page = await callerFor(t.admin, w).reconciliation.get({ siteId: t.siteId });
    expect(page.lastScan).toMatchObject({
      scanId: "scan-1",
      agentId: "agent-scan",
      trigger: "schedule",
      roundTrips: 3,
      durationMs: 120,
      markerVms: 4,
    });
    expect(page.unowned.map((u) => [u.name, u.vmwareId, u.markerRequestId, u.powerState])).toEqual([
      ["foreign-01", "vm-2004", foreign, "poweredOn"],
      ["old-test-01", "vm-9001", "req_left_behind", "poweredOff"],
    ]);
    expect(page.missing.map((m) => [m.vmId, m.vmwareId, m.owner.id])).toEqual([
      [vanished, "vm-2003", t.member.userId],
    ]);
    expect(page.scanner).toEqual({ available: false, needs: null });

    // the same scan again: nothing new on any VM's stream, the page says the same
    const again = await scan(w, t, [scanned(same, "vm-2001"), scanned(resized, "vm-2002", { cpu: 8 })]);
    expect(again).toMatchObject({ ok: true, value: { missing: 0, drifted: 0, unowned: 0 } });
    expect((await member.vms.get({ vmId: vanished })).timeline.filter((e) => e.kind === "GONE")).toHaveLength(
      1,
    );

    // the VM is back (restored, re-registered with its moref): no longer missing
    const back = await scan(w, t, [
      scanned(same, "vm-2001"),
      scanned(resized, "vm-2002", { cpu: 8 }),
      scanned(vanished, "vm-2003", { name: "vanished-01" }),
    ]);
    await w.settle();
    expect(back).toMatchObject({ ok: true, value: { reappeared: 1, missing: 0 } });
    const returned = await member.vms.get({ vmId: vanished });
    expect(returned.vm.status).toBe("READY");
    expect(returned.timeline.at(-1)).toMatchObject({ kind: "REAPPEARED" });
    // its lease is scheduled again: the first warning, as before it went missing
    expect(await leaseNextAt(vanished)).toBe(scheduled);
    expect(returned.vm.lease).toMatchObject({ phase: "active" });
    const after = await callerFor(t.admin, w).reconciliation.get({ siteId: t.siteId });
    expect(after.missing).toEqual([]);
    expect(after.unowned).toEqual([]);
  });

  it("never marks missing a VM that became READY after the scan started", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const fresh = await readyVm(w, t, { vmwareId: "vm-3001" });
    const startedAt = new Date(w.clock.now().getTime() - 3_600_000).toISOString();
    const result = await reconcileSite(w.deps, {
      tenantId: t.tenantId,
      siteId: t.siteId,
      agentId: "agent-scan",
      trigger: "reconnect",
      requestedBy: null,
      summary: { scanId: "scan-early", startedAt, durationMs: 5, roundTrips: 3, vmCount: 0, parts: 1 },
      vms: [],
    });
    expect(result).toMatchObject({ ok: true, value: { missing: 0 } });
    expect((await callerFor(t.member, w).vms.get({ vmId: fresh })).vm.status).toBe("READY");
  });
});

describe("destroying an unowned VM", () => {
  const destruction = (d: { jobId: string; destructionId: string }) => ({
    jobId: d.jobId,
    requestId: d.destructionId,
    kind: "vm.destroy-unowned" as const,
  });

  it("destroys only with the typed name, through one leased job per attempt; the row leaves the page when done", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await scan(w, t, [
      scanned("req_left_behind", "vm-9101", { name: "old-test-01", powerState: "poweredOff" }),
    ]);
    const admin = callerFor(t.admin, w);
    const target = { siteId: t.siteId, vmwareId: "vm-9101", markerRequestId: "req_left_behind" };
    expect((await admin.reconciliation.get({ siteId: t.siteId })).destroyer).toEqual({
      available: true,
      needs: null,
    });

    // a wrong name, a member, another tenant's admin: refused, nothing queued
    expect(await codeOf(admin.reconciliation.destroy({ ...target, confirmName: "old-test" }))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await codeOf(callerFor(t.member, w).reconciliation.destroy({ ...target, confirmName: "old-test-01" })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        callerFor(other.admin, w).reconciliation.destroy({ ...target, confirmName: "old-test-01" }),
      ),
    ).toBe("NOT_FOUND");
    expect(w.dispatcher.calls).toHaveLength(0);

    // asked, and asked again while it runs: one job, with the marker the scan saw
    const first = await admin.reconciliation.destroy({ ...target, confirmName: "old-test-01" });
    const again = await admin.reconciliation.destroy({ ...target, confirmName: "old-test-01" });
    await w.settle();
    expect(first).toMatchObject({ outcome: "queued" });
    expect(again).toEqual({ ...first, outcome: "already-queued" });
    expect(w.dispatcher.queued.size).toBe(1);
    expect(w.dispatcher.queued.get(first.jobId)?.job).toMatchObject({
      kind: "vm.destroy-unowned",
      requestId: first.destructionId,
      vmwareId: "vm-9101",
      marker: "req_left_behind",
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([
      expect.objectContaining({ vmwareId: "vm-9101", destroying: true }),
    ]);

    // the marker changed since the scan: the agent touched nothing, the row is listed as before
    expect(await agentOutcome(w, t, { ...destruction(first) }, { code: "MARKER_MISMATCH" })).toMatchObject({
      ok: true,
      value: { recorded: true, events: ["UnownedVmDestroyFailed"] },
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([
      expect.objectContaining({ vmwareId: "vm-9101", destroying: false }),
    ]);

    // asked again: a new job; its success takes the row off the page, once however often it is reported
    const second = await admin.reconciliation.destroy({ ...target, confirmName: "old-test-01" });
    expect(second).toMatchObject({ destructionId: first.destructionId, outcome: "queued" });
    expect(second.jobId).not.toBe(first.jobId);
    const job = destruction(second);
    expect(await agentOutcome(w, t, job)).toMatchObject({ ok: true, value: { recorded: true } });
    expect(await agentOutcome(w, t, job)).toMatchObject({ ok: true, value: { recorded: false } });
    // another tenant's report about this destruction lands nowhere
    expect(await agentOutcome(w, other, job)).toMatchObject({
      ok: false,
      error: { code: "REQUEST_NOT_FOUND" },
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([]);

    // audited: who asked, and what the agent did
    const audit = await admin.audit.list({});
    expect(
      audit.items.filter((e) => e.action.startsWith("UNOWNED_VM_")).map((e) => [e.action, e.actor.kind]),
    ).toEqual([
      ["UNOWNED_VM_DESTROYED", "agent"],
      ["UNOWNED_VM_DESTROY_REQUESTED", "user"],
      ["UNOWNED_VM_DESTROY_FAILED", "agent"],
      ["UNOWNED_VM_DESTROY_REQUESTED", "user"],
    ]);
  });

  it("names the agent version a site needs when no connected agent runs the job", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    await scan(w, t, [scanned("req_old_agent", "vm-9201", { name: "old-agent-01" })]);
    w.dispatcher.agents = { connected: 1, jobs: ["provision-vm", "vm.delete"], versions: ["0.2.0"] };
    const admin = callerFor(t.admin, w);
    expect((await admin.reconciliation.get({ siteId: t.siteId })).destroyer).toEqual({
      available: false,
      needs: expect.stringContaining("vm.destroy-unowned"),
    });
    const refused = admin.reconciliation.destroy({
      siteId: t.siteId,
      vmwareId: "vm-9201",
      markerRequestId: "req_old_agent",
      confirmName: "old-agent-01",
    });
    await expect(refused).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(w.dispatcher.calls).toHaveLength(0);
  });
});

describe("adopting an unowned VM into a project", () => {
  const adoption = (a: { jobId: string; vmId: string }) => ({
    jobId: a.jobId,
    requestId: a.vmId,
    kind: "vm.adopt" as const,
  });
  /** the VM as vCenter shows it once its marker is rewritten */
  const facts = {
    ...scanned("x", "x", { name: "legacy-db-01", cpu: 2, memoryMb: 4096, diskGb: 40 }).facts,
    ipAddress: "10.0.0.7",
  };

  it("refuses members, other tenants, archived projects and unknown owners; one VM however often asked; done → the owner's VM with a lease", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await scan(w, t, [
      scanned("req_restored", "vm-9301", { name: "legacy-db-01", cpu: 2, memoryMb: 4096, diskGb: 40 }),
    ]);
    const admin = callerFor(t.admin, w);
    const target = {
      siteId: t.siteId,
      vmwareId: "vm-9301",
      markerRequestId: "req_restored",
      projectId: t.projectId,
      ownerId: t.member.userId,
    };
    expect((await admin.reconciliation.get({ siteId: t.siteId })).adopter).toEqual({
      available: true,
      needs: null,
    });

    expect(await codeOf(callerFor(t.member, w).reconciliation.adopt(target))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(other.admin, w).reconciliation.adopt(target))).toBe("NOT_FOUND");
    // another tenant's project or person answers like a missing one
    expect(await codeOf(admin.reconciliation.adopt({ ...target, projectId: other.projectId }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(admin.reconciliation.adopt({ ...target, ownerId: other.member.userId }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(admin.reconciliation.adopt({ ...target, ownerId: "nobody" }))).toBe("NOT_FOUND");
    expect(w.dispatcher.calls).toHaveLength(0);

    // asked twice: one VM, one job that rewrites the marker from the value the scan saw to the VM's id
    const first = await admin.reconciliation.adopt(target);
    const again = await admin.reconciliation.adopt(target);
    await w.settle();
    expect(first).toMatchObject({ outcome: "queued" });
    expect(again).toEqual({ ...first, outcome: "already-queued" });
    expect(w.dispatcher.queued.size).toBe(1);
    expect(w.dispatcher.queued.get(first.jobId)?.job).toMatchObject({
      kind: "vm.adopt",
      requestId: first.vmId,
      vmwareId: "vm-9301",
      marker: "req_restored",
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([
      expect.objectContaining({ vmwareId: "vm-9301", adopting: true }),
    ]);
    // while it is being adopted, it is not for destroying
    expect(
      await codeOf(
        admin.reconciliation.destroy({
          siteId: t.siteId,
          vmwareId: "vm-9301",
          markerRequestId: "req_restored",
          confirmName: "legacy-db-01",
        }),
      ),
    ).toBe("NOT_FOUND");
    // not the owner's VM before the marker is rewritten
    const owner = callerFor(t.member, w);
    expect((await owner.vms.list({})).items.map((v) => v.vmId)).not.toContain(first.vmId);

    // the marker changed since the scan: nothing changed, the VM failed, the row is listed again
    expect(await agentOutcome(w, t, adoption(first), { code: "MARKER_MISMATCH" })).toMatchObject({
      ok: true,
      value: { recorded: true, events: ["VmAdoptionFailed"], requestStatus: "FAILED" },
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([
      expect.objectContaining({ vmwareId: "vm-9301", adopting: false }),
    ]);
    expect((await owner.vms.list({})).items.map((v) => v.vmId)).not.toContain(first.vmId);

    // asked again: a new job on the same VM id; done → READY, the owner's, with a lease; the row leaves
    const second = await admin.reconciliation.adopt(target);
    expect(second).toMatchObject({ vmId: first.vmId, outcome: "queued" });
    expect(second.jobId).not.toBe(first.jobId);
    expect(await agentOutcome(w, t, adoption(second), { facts })).toMatchObject({
      ok: true,
      value: { requestStatus: "READY" },
    });
    expect(await agentOutcome(w, t, adoption(second), { facts })).toMatchObject({
      ok: true,
      value: { recorded: false },
    });
    expect(await agentOutcome(w, other, adoption(second), { facts })).toMatchObject({
      ok: false,
      error: { code: "REQUEST_NOT_FOUND" },
    });
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned).toEqual([]);
    const listed = (await owner.vms.list({})).items.find((v) => v.vmId === first.vmId);
    expect(listed).toMatchObject({ status: "READY", name: "legacy-db-01", expiresAt: expect.any(String) });
    expect(await leaseNextAt(first.vmId)).not.toBeNull();
    // after it is adopted, asking again answers the same VM
    expect(await admin.reconciliation.adopt(target)).toEqual({ ...second, outcome: "already-queued" });

    // audited: who adopted it, twice (the failed attempt and the one that held)
    const audit = await admin.audit.list({});
    expect(
      audit.items.filter((e) => e.action === "VM_ADOPTED").map((e) => [e.actor.kind, e.requestId]),
    ).toEqual([
      ["user", first.vmId],
      ["user", first.vmId],
    ]);

    // the owner's power-off goes to the adopted VM like any VM's
    const off = await owner.vms.powerOff({ vmId: first.vmId, idempotencyKey: freshKey() });
    await w.settle();
    expect(w.dispatcher.queued.get(`job-${off.actionId}`)?.job).toMatchObject({
      kind: "vm.power-off",
      requestId: first.vmId,
      vmwareId: "vm-9301",
    });
  });

  it("refuses an archived project and names the agent version a site needs", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    await scan(w, t, [scanned("req_archived", "vm-9401", { name: "archived-01" })]);
    const admin = callerFor(t.admin, w);
    const target = {
      siteId: t.siteId,
      vmwareId: "vm-9401",
      markerRequestId: "req_archived",
      projectId: t.projectId,
      ownerId: t.member.userId,
    };
    w.dispatcher.agents = { connected: 1, jobs: ["provision-vm", "vm.destroy-unowned"], versions: ["0.3.0"] };
    expect((await admin.reconciliation.get({ siteId: t.siteId })).adopter).toEqual({
      available: false,
      needs: expect.stringContaining("vm.adopt"),
    });
    expect(await codeOf(admin.reconciliation.adopt(target))).toBe("PRECONDITION_FAILED");
    await admin.settings.archiveProject({ projectId: t.projectId });
    expect(await codeOf(admin.reconciliation.adopt(target))).toBe("BAD_REQUEST");
    expect(w.dispatcher.calls).toHaveLength(0);
  });
});

/** An agent of the tenant's site, welcomed with `protocols` and naming the calls it answers. */
async function scanningAgent(t: TestTenant, protocols: number[], calls: string[]) {
  const { credential } = await enrollTenantAgent(t, `agent-${protocols[0]}`);
  const agent = await connectAgent(credential);
  agent.send({
    type: "hello",
    agent: { version: protocols[0] === 4 ? "0.3.0" : "0.2.0" },
    protocols,
    capacity: 1,
    draining: false,
    running: [],
    calls,
  });
  await agent.next("welcome");
  return agent;
}

describe("the hub's scan through an agent", () => {
  it("never asks an agent older than protocol 4, and says what the site needs", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const old = await scanningAgent(t, [3, 2, 1], ["vm.status", "vms.scan"]);
    const refused = await callerFor(t.admin, w)
      .reconciliation.scan({ siteId: t.siteId })
      .catch((e: { code: string; message: string }) => e);
    expect(refused).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/0\.2\.0.*needs an agent that speaks protocol 4/),
    });
    const page = await callerFor(t.admin, w).reconciliation.get({ siteId: t.siteId });
    expect(page.scanner).toEqual({ available: false, needs: expect.stringMatching(/protocol 4/) });
    expect(old.received.filter((f) => f.type === "call")).toEqual([]);
    old.ws.close();
  });

  it("scans when a protocol-4 agent connects and on demand: parts under one scan id, then the answer", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vmId = await readyVm(w, t, { vmwareId: "vm-4001" });
    const agent = await scanningAgent(t, [4, 3, 2, 1], ["vm.status", "vms.scan"]);
    /** Answers the next scan call with `vms` in two parts. */
    const answerScan = async (vms: ScannedVm[]) => {
      const call = await agent.next("call");
      if (call.call.method !== "vms.scan") throw new Error(`unexpected call ${call.call.method}`);
      const { scanId } = call.call;
      const halves = [vms.slice(0, 1), vms.slice(1)];
      for (const [index, part] of halves.entries())
        agent.send({ type: "scan.part", scanId, index, total: 2, part: { vms: part } });
      agent.send({
        type: "call.result",
        ref: call.id,
        result: {
          method: "vms.scan",
          outcome: {
            ok: true,
            value: {
              scanId,
              startedAt: new Date().toISOString(),
              durationMs: 40,
              roundTrips: 4,
              vmCount: vms.length,
              parts: 2,
            },
          },
        },
      });
    };
    // the reconnect's scan: one unowned VM besides ours
    await answerScan([scanned(vmId, "vm-4001"), scanned("req_orphan", "vm-4999", { name: "orphan-01" })]);
    const admin = callerFor(t.admin, w);
    await expect
      .poll(async () => (await admin.reconciliation.get({ siteId: t.siteId })).lastScan?.trigger, {
        timeout: 5000,
      })
      .toBe("reconnect");
    expect((await admin.reconciliation.get({ siteId: t.siteId })).unowned.map((u) => u.name)).toEqual([
      "orphan-01",
    ]);
    expect((await hubOf(t.siteId).scanner()).available).toBe(true);

    // on demand: the orphan was destroyed meanwhile, and so was ours (behind Gantry's back)
    const asked = admin.reconciliation.scan({ siteId: t.siteId });
    await answerScan([]);
    expect(await asked).toMatchObject({ trigger: "on-demand", markerVms: 0, unowned: 0, roundTrips: 4 });
    const page = await admin.reconciliation.get({ siteId: t.siteId });
    expect(page.unowned).toEqual([]);
    expect(page.missing.map((m) => m.vmId)).toEqual([vmId]);
    agent.ws.close();
  });

  it("refuses a part of a scan it never asked for", async () => {
    const t = await createTestTenant(env.DB);
    const agent = await scanningAgent(t, [4], ["vms.scan"]);
    // the reconnect's scan call: left unanswered here
    await agent.next("call");
    const id = agent.send({ type: "scan.part", scanId: "not-asked", index: 0, total: 1, part: { vms: [] } });
    expect(await agent.next("error")).toMatchObject({ code: "UNKNOWN_JOB", ref: id });
    agent.ws.close();
  });
});
