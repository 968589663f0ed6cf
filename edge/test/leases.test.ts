import { env } from "cloudflare:workers";
import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import { leaseStartOf } from "@gantry/shared/events/vm";
import { beforeAll, describe, expect, it } from "vitest";
import { enforceLeases } from "../src/commands/enforce-leases.ts";
import { notifierDeps } from "../src/deps.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { vmIdFor } from "../src/provisioning/ids.ts";
import { type Caller, callerFor, codeOf, freshKey } from "./support/callers.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { notifierFromHead } from "./support/notifier-position.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report, vmFacts } from "./support/vms.ts";

// Leases on a compressed clock (issue 16): a 10-minute lease, warnings 5 and 1 minute before, 2 minutes of
// grace. The cron's sweep is called by hand as the clock moves, as the Worker's scheduled() would.

const MIN = 60_000;
const SHORT: LeasePolicy = {
  initialTermSeconds: 600,
  maxExtensionSeconds: 300,
  maxTotalSeconds: 1200,
  graceSeconds: 120,
  enforcement: "hard",
  warningsSeconds: [300, 60],
};

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  await notifierFromHead(env.DB);
});

const as = (
  w: TestWorkflow,
  who: keyof Pick<TestTenant, "member" | "otherMember" | "admin" | "otherAdmin">,
): Caller => callerFor(t[who], w);

/** A fresh tenant whose project has `policy`, and one READY VM of its member's. */
async function leasedVm(policy: LeasePolicy = SHORT, options: { db?: MeteredD1; shiftMs?: number } = {}) {
  t = await createTestTenant(env.DB);
  const w = testWorkflow(options.db ? { db: options.db } : {});
  w.clock.advance(options.shiftMs ?? 0);
  await as(w, "admin").leases.setPolicy({ projectId: t.projectId, policy });
  const vmId = await readyVm(w, t);
  // the agent's reports carry their own times: the clock moves on to the moment the VM became READY
  const readyAt = Date.parse((await as(w, "member").vms.get({ vmId })).vm.createdAt);
  w.clock.advance(readyAt - w.clock.now().getTime());
  return { w, vmId, readyAt };
}

const sweep = async (w: TestWorkflow) => {
  const swept = await enforceLeases(w.deps, { actionBudgetSeconds: 600 });
  await w.settle();
  return swept;
};

/** The lease events and enforcement actions on the VM's stream, in order. */
/** The lease's events of a VM's stream; READY's VmProvisioned carries the lease's start ("+lease"). */
async function leaseLog(vmId: string) {
  const { events } = await readStream(env.DB, streamIds.vm(vmIdFor(vmId)));
  return events.flatMap(({ event }) => {
    if (leaseStartOf(event)) return ["VmProvisioned+lease"];
    if (event.type.startsWith("VmLease")) return [event.type];
    if (event.type === "VmActionRequested") return [`${event.type}:${event.data.action.kind}`];
    return [];
  });
}

/** The jobs the sweep handed to the site's hub, by kind. */
const jobsOf = (w: TestWorkflow, vmId: string, kind: string) =>
  [...w.dispatcher.queued.values()].filter((d) => d.job.kind === kind && d.job.requestId === vmId);

/** The agent reports the enforcement action done (the VM powered off, or gone). */
async function agentDone(w: TestWorkflow, vmId: string, kind: "vm.power-off" | "vm.delete") {
  const [job] = jobsOf(w, vmId, kind);
  if (!job) throw new Error(`no ${kind} job`);
  const actionId = job.job.jobId.replace(/^job-/, "");
  const facts = kind === "vm.delete" ? null : vmFacts({ powerState: "poweredOff", ipAddress: null });
  const at = w.clock.now().toISOString();
  return report(w, t, {
    vmId,
    actionId,
    update: { kind: "action-done", result: { facts, snapshot: null, note: null }, at },
  });
}

describe("lease policy", () => {
  it("gives each project the tenant's default or its own, refuses bad policies in the schema and in D1, and audits every change", async () => {
    t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const admin = as(w, "admin");
    const before = await admin.leases.policies();
    expect(before.tenantDefault.source).toBe("default");
    expect(before.projects).toEqual([
      expect.objectContaining({
        projectId: t.projectId,
        source: "default",
        policy: before.tenantDefault.policy,
      }),
    ]);
    await admin.leases.setPolicy({ projectId: null, policy: { ...SHORT, initialTermSeconds: 900 } });
    const tenantWide = await admin.leases.policies();
    expect(tenantWide.projects[0]).toMatchObject({ source: "tenant", policy: { initialTermSeconds: 900 } });
    const own = await admin.leases.setPolicy({ projectId: t.projectId, policy: SHORT });
    expect(own.projects[0]).toMatchObject({ source: "project", policy: SHORT });
    await admin.leases.setPolicy({ projectId: t.projectId, policy: null });
    expect((await admin.leases.policies()).projects[0]?.source).toBe("tenant");

    // the schema: an initial term past the total life, a negative grace; members may not
    expect(
      await codeOf(
        admin.leases.setPolicy({ projectId: null, policy: { ...SHORT, initialTermSeconds: 2000 } }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(admin.leases.setPolicy({ projectId: null, policy: { ...SHORT, graceSeconds: -1 } })),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(as(w, "member").leases.setPolicy({ projectId: null, policy: SHORT }))).toBe(
      "FORBIDDEN",
    );
    // the database holds the same rule
    const insert = env.DB.prepare(
      `INSERT INTO lease_policies (tenant_id, project_id, initial_term_seconds, max_extension_seconds, max_total_seconds,
         grace_seconds, enforcement, warnings_seconds, updated_at, updated_by) VALUES (?, 'x', 2000, 60, 1200, 0, 'hard', '[]', '', '')`,
    ).bind(t.tenantId);
    await expect(insert.run()).rejects.toThrow(/CHECK constraint failed/);

    const audit = (await admin.audit.list({ limit: 20 })).items.filter(
      (e) => e.action === "LEASE_POLICY_CHANGED",
    );
    expect(audit.map((e) => [e.subject.kind, e.actor.id])).toEqual([
      ["project", t.admin.userId],
      ["project", t.admin.userId],
      ["tenant", t.admin.userId],
    ]);
    expect(audit[0]?.summary).toMatch(/cleared/);
  });
});

describe("expiry at READY and extension", () => {
  it("starts the lease at READY with the project's initial term, shown on the list and the VM page", async () => {
    const { w, vmId, readyAt } = await leasedVm();
    const [listed] = (await as(w, "member").vms.list({})).items;
    expect(listed?.expiresAt).toBe(new Date(readyAt + 10 * MIN).toISOString());
    expect(listed?.lease).toEqual({ phase: "active", destroyAt: null, pendingExtension: null });
    expect((await as(w, "member").vms.get({ vmId })).vm.expiresAt).toBe(listed?.expiresAt);
    expect(await leaseLog(vmId)).toEqual(["VmProvisioned+lease"]);
  });

  it("extends within the policy at once; past one extension's maximum or the total life it waits for another admin", async () => {
    const { w, vmId, readyAt } = await leasedVm();
    const member = as(w, "member");
    const key = freshKey();
    expect(await member.leases.extend({ vmId, idempotencyKey: key, seconds: 300 })).toEqual({
      vmId,
      outcome: "extended",
      approvalId: null,
    });
    // the same key again: the same extension, not a second one
    await member.leases.extend({ vmId, idempotencyKey: key, seconds: 300 });
    expect((await member.vms.get({ vmId })).vm.expiresAt).toBe(new Date(readyAt + 15 * MIN).toISOString());

    // 15 + 5 = 20 minutes: exactly the total life, still within the policy
    await member.leases.extend({ vmId, idempotencyKey: freshKey(), seconds: 300 });
    // one more minute is past the total life: an approval
    const past = await member.leases.extend({
      vmId,
      idempotencyKey: freshKey(),
      seconds: 60,
      reason: "demo on Friday",
    });
    expect(past.outcome).toBe("awaiting-approval");
    expect(await codeOf(member.leases.extend({ vmId, idempotencyKey: freshKey(), seconds: 60 }))).toBe(
      "PRECONDITION_FAILED",
    );
    const [queued] = (await as(w, "admin").leases.pendingExtensions({})).items;
    expect(queued).toMatchObject({ vmId, approvalId: past.approvalId, reason: "demo on Friday" });
    expect(queued?.requestedExpiresAt).toBe(new Date(readyAt + 21 * MIN).toISOString());
    await as(w, "admin").leases.approveExtension({ vmId, approvalId: past.approvalId ?? "" });
    const after = (await member.vms.get({ vmId })).vm;
    expect(after.expiresAt).toBe(new Date(readyAt + 21 * MIN).toISOString());
    expect(after.lease?.pendingExtension).toBeNull();
    expect((await as(w, "admin").leases.pendingExtensions({})).items).toEqual([]);
  });

  it("makes a single extension past its maximum an approval, which nobody approves for themselves", async () => {
    const { w, vmId } = await leasedVm();
    w.clock.advance(MIN);
    // the admin's own VM: they cannot approve their own extension; another admin can reject it
    const own = await readyVm(w, t, { owner: t.admin, approver: t.otherAdmin, name: "admin-box" });
    const asked = await as(w, "admin").leases.extend({ vmId: own, idempotencyKey: freshKey(), seconds: 301 });
    expect(asked.outcome).toBe("awaiting-approval");
    expect(
      await codeOf(as(w, "admin").leases.approveExtension({ vmId: own, approvalId: asked.approvalId ?? "" })),
    ).toBe("FORBIDDEN");
    await as(w, "otherAdmin").leases.rejectExtension({
      vmId: own,
      approvalId: asked.approvalId ?? "",
      reason: "not this quarter",
    });
    expect((await as(w, "admin").vms.get({ vmId: own })).vm.lease?.pendingExtension).toBeNull();
    // members neither approve nor see the queue; the requester may withdraw
    const mine = await as(w, "member").leases.extend({ vmId, idempotencyKey: freshKey(), seconds: 400 });
    expect(
      await codeOf(as(w, "member").leases.approveExtension({ vmId, approvalId: mine.approvalId ?? "" })),
    ).toBe("FORBIDDEN");
    await as(w, "member").leases.withdrawExtension({ vmId, approvalId: mine.approvalId ?? "" });
    expect(await leaseLog(vmId)).toEqual([
      "VmProvisioned+lease",
      "VmLeaseExtensionRequested",
      "VmLeaseExtensionRejected",
    ]);
  });
});

describe("the lease scheduler", () => {
  it("warns, powers off at expiry and deletes after grace, each exactly once however often the sweep runs", async () => {
    const { w, vmId } = await leasedVm();
    expect((await sweep(w)).acted).toBe(0);
    w.clock.advance(5 * MIN);
    await sweep(w);
    w.clock.advance(4 * MIN);
    await sweep(w);
    await sweep(w);
    expect(await leaseLog(vmId)).toEqual(["VmProvisioned+lease", "VmLeaseWarned", "VmLeaseWarned"]);

    w.clock.advance(MIN);
    // two sweeps at once (a duplicate cron, a retry) and one after: one expiry, one power-off job
    await Promise.all([sweep(w), sweep(w)]);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.power-off")).toHaveLength(1);
    const grace = (await as(w, "member").vms.get({ vmId })).vm;
    expect(grace.lease).toMatchObject({
      phase: "grace",
      destroyAt: new Date(Date.parse(grace.expiresAt ?? "") + 2 * MIN).toISOString(),
    });
    await agentDone(w, vmId, "vm.power-off");
    // in grace the owner cannot power it back on, nor extend it
    expect(await codeOf(as(w, "member").vms.powerOn({ vmId, idempotencyKey: freshKey() }))).toBe(
      "PRECONDITION_FAILED",
    );
    expect(
      await codeOf(as(w, "member").leases.extend({ vmId, idempotencyKey: freshKey(), seconds: 60 })),
    ).toBe("PRECONDITION_FAILED");

    w.clock.advance(MIN);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.delete")).toHaveLength(0);
    w.clock.advance(MIN);
    await Promise.all([sweep(w), sweep(w)]);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.delete")).toHaveLength(1);
    await agentDone(w, vmId, "vm.delete");
    await sweep(w);
    expect(await leaseLog(vmId)).toEqual([
      "VmProvisioned+lease",
      "VmLeaseWarned",
      "VmLeaseWarned",
      "VmLeaseExpired",
      "VmActionRequested:power-off",
      "VmLeaseEnded",
      "VmActionRequested:delete",
    ]);
    expect((await as(w, "admin").vms.list({ status: "DELETED" })).items.map((v) => v.vmId)).toEqual([vmId]);
    // the enforcement is the scheduler's, attributable as such
    const timeline = (await as(w, "admin").vms.get({ vmId })).timeline;
    expect(timeline.find((e) => e.title === "Lease expired: powering off")?.actor.id).toBe("lease-scheduler");
  });

  it("an extension before expiry cancels both the power-off and the deletion", async () => {
    const { w, vmId } = await leasedVm();
    w.clock.advance(9 * MIN);
    await as(w, "member").leases.extend({ vmId, idempotencyKey: freshKey(), seconds: 300 });
    w.clock.advance(2 * MIN);
    await sweep(w);
    w.clock.advance(3 * MIN);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.power-off")).toHaveLength(0);
    expect(jobsOf(w, vmId, "vm.delete")).toHaveLength(0);
    expect((await as(w, "member").vms.get({ vmId })).vm.lease?.phase).toBe("active");
  });

  it("an admin's rescue during grace (a new end, or no enforcement) saves the VM from deletion", async () => {
    for (const mode of ["extend", "exempt"] as const) {
      const { w, vmId } = await leasedVm();
      w.clock.advance(10 * MIN);
      await sweep(w);
      await agentDone(w, vmId, "vm.power-off");
      // members cannot rescue; another tenant's admin sees no such VM
      const rescue =
        mode === "extend"
          ? { mode, vmId, idempotencyKey: freshKey(), seconds: 3600, reason: "still needed" }
          : { mode, vmId, idempotencyKey: freshKey(), reason: "keeps the lab running" };
      expect(await codeOf(as(w, "member").leases.rescue(rescue))).toBe("FORBIDDEN");
      await as(w, "admin").leases.rescue(rescue);
      await as(w, "admin").leases.rescue(rescue);
      w.clock.advance(5 * MIN);
      await sweep(w);
      expect(jobsOf(w, vmId, "vm.delete")).toHaveLength(0);
      const vm = (await as(w, "member").vms.get({ vmId })).vm;
      expect(vm.lease?.phase).toBe(mode === "extend" ? "active" : "exempt");
      // rescued, the owner powers it on again
      await as(w, "member").vms.powerOn({ vmId, idempotencyKey: freshKey() });
    }
  });

  it("under soft enforcement only tells: no power-off, no deletion", async () => {
    const { w, vmId } = await leasedVm({ ...SHORT, enforcement: "soft" });
    w.clock.advance(20 * MIN);
    await sweep(w);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.power-off")).toHaveLength(0);
    expect(jobsOf(w, vmId, "vm.delete")).toHaveLength(0);
    // a sweep that comes after the expiry records it, not the warnings it is too late for
    expect(await leaseLog(vmId)).toEqual(["VmProvisioned+lease", "VmLeaseExpired"]);
    expect((await as(w, "member").vms.get({ vmId })).vm.lease?.phase).toBe("expired");
  });

  it("queues the power-off for an agent that is offline, to wait until the grace ends", async () => {
    const { w, vmId } = await leasedVm();
    w.dispatcher.agents = { connected: 0, jobs: [], versions: [] };
    w.clock.advance(10 * MIN);
    await sweep(w);
    const [job] = jobsOf(w, vmId, "vm.power-off");
    // the job waits at the hub (no agent runs it now) at least until the grace ends, and never less than
    // the deployment's action budget
    const destroyAt = Date.parse((await as(w, "member").vms.get({ vmId })).vm.lease?.destroyAt ?? "");
    const deadline = Date.parse(job && "deadline" in job.job ? job.job.deadline : "");
    expect(deadline).toBe(Math.max(destroyAt, w.clock.now().getTime() + 600_000));
  });

  it("waits for an action that runs at expiry, then powers off", async () => {
    const { w, vmId } = await leasedVm();
    w.clock.advance(9 * MIN);
    await as(w, "member").vms.restart({ vmId, idempotencyKey: freshKey() });
    w.clock.advance(MIN);
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.power-off")).toHaveLength(0);
    const [restart] = jobsOf(w, vmId, "vm.restart");
    const at = w.clock.now().toISOString();
    const actionId = (restart?.job.jobId ?? "").replace(/^job-/, "");
    await report(w, t, {
      vmId,
      actionId,
      update: { kind: "action-done", result: { facts: vmFacts(), snapshot: null, note: null }, at },
    });
    await sweep(w);
    expect(jobsOf(w, vmId, "vm.power-off")).toHaveLength(1);
  });

  it("writes few D1 rows per expiry cycle", async () => {
    const db = new MeteredD1(env.DB);
    // the sweep is across tenants: ten years back, no other test's lease is due while this one is measured
    const { w, vmId } = await leasedVm(SHORT, { db, shiftMs: -3650 * 86_400_000 });
    const start = db.rowsWritten;
    for (const minutes of [5, 4, 1]) {
      w.clock.advance(minutes * MIN);
      await sweep(w);
    }
    await agentDone(w, vmId, "vm.power-off");
    w.clock.advance(2 * MIN);
    await sweep(w);
    await agentDone(w, vmId, "vm.delete");
    const rows = db.rowsWritten - start;
    console.info(JSON.stringify({ rowsWrittenPerExpiryCycle: rows }));
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThanOrEqual(40);
  });
});

describe("lease notices", () => {
  it("tell the owner of the warning and of the expiry, in the inbox", async () => {
    const { w, readyAt } = await leasedVm();
    const expiresAt = readyAt + SHORT.initialTermSeconds * 1000;
    // 4 minutes before the end: the 5-minute warning is due
    w.clock.advance(expiresAt - 4 * MIN - w.clock.now().getTime());
    await sweep(w);
    // past the end: the expiry (the 1-minute warning is stale by then)
    w.clock.advance(5 * MIN);
    await sweep(w);
    await runNotifier(notifierDeps(env));
    const { results } = await env.DB.prepare(
      "SELECT title FROM notifications WHERE tenant_id = ? AND recipient_id = ? AND kind = 'vm.lease' ORDER BY created_at",
    )
      .bind(t.tenantId, t.member.userId)
      .all<{ title: string }>();
    expect(results.map((r) => r.title)).toEqual([
      expect.stringMatching(/^The lease of .* ends /),
      expect.stringMatching(/^The lease of .* ended$/),
    ]);
  });
});
