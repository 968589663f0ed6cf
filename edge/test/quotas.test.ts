import { env } from "cloudflare:workers";
import type { QuotaUsage } from "@gantry/shared/api/quotas";
import type { QuotaLimits } from "@gantry/shared/domain/quota";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/auth/principal.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { vmIdFor } from "../src/provisioning/ids.ts";
import { type Caller, callerFor, freshKey, requestInput } from "./support/callers.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { failure, frame, record } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report, vmFacts } from "./support/vms.ts";

// Quotas (issue 18): the arithmetic of every transition that takes or returns capacity, the refusals
// at submit and approve, approvals racing for the last capacity, and a tenant-wide quota. Each test
// has a tenant of its own. Size M is 4 vCPU, 8 GB, 100 GB; L is 8 / 16 / 200.

const UNLIMITED: QuotaLimits = { vcpu: null, memoryGb: null, diskGb: null, vms: null };

beforeAll(async () => {
  await seedReferenceData(env.DB);
});

const as = (w: TestWorkflow, who: Principal): Caller => callerFor(who, w);

/** What the request form sees of the project. */
const projectUsage = async (w: TestWorkflow, t: TestTenant): Promise<QuotaUsage> =>
  (await as(w, t.member).quotas.left({ projectId: t.projectId })).project;

const used = async (w: TestWorkflow, t: TestTenant) => (await projectUsage(w, t)).used;

/** The tRPC error a promise rejects with: its code and message. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? "?", message: e.message ?? "" };
  }
  throw new Error("expected a refusal");
}

const times = (n: number) => ({ vcpu: 4 * n, memoryGb: 8 * n, diskGb: 100 * n, vms: n });

/** Appends events to a VM's stream as the cron or the reconciliation would (the projection is the point). */
async function appendToVm(w: TestWorkflow, t: TestTenant, vmId: string, events: DomainEvent[]) {
  const streamId = streamIds.vm(vmIdFor(vmId));
  const { version } = await readStream(env.DB, streamId);
  const occurredAt = w.clock.now().toISOString();
  const appended = await w.deps.store.append(
    streamId,
    version,
    events.map((event) => ({
      eventId: crypto.randomUUID(),
      event,
      occurredAt,
      metadata: {
        tenantId: t.tenantId,
        actorId: "system",
        actorKind: "system" as const,
        correlationId: crypto.randomUUID(),
        causationId: null,
      },
    })),
  );
  if (!appended.ok) throw new Error("append refused");
}

describe("usage: what takes and what returns capacity", () => {
  it("counts pending as requested, approved, provisioning and READY as used, and frees on cancel, reject and failure", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const member = as(w, t.member);
    const pending = await member.requests.create(requestInput(t.projectId));
    expect(await projectUsage(w, t)).toMatchObject({
      limits: UNLIMITED,
      used: times(0),
      requested: times(1),
    });
    // cancel and reject: a pending request held nothing and is no longer requested
    await member.requests.cancel({ requestId: pending.requestId });
    const rejected = await member.requests.create(requestInput(t.projectId));
    await as(w, t.admin).approvals.reject({
      requestId: rejected.requestId,
      expectedVersion: rejected.version,
      reason: "not in this quarter",
    });
    expect(await projectUsage(w, t)).toMatchObject({ used: times(0), requested: times(0) });

    const approved = await member.requests.create(requestInput(t.projectId));
    await as(w, t.admin).approvals.approve({ requestId: approved.requestId, expectedVersion: 1 });
    expect(await projectUsage(w, t)).toMatchObject({ used: times(1), requested: times(0) });
    const at = w.clock.now();
    await record(w, frame(approved.requestId, { kind: "stage", stage: "CLONING", at: at.toISOString() }, t));
    expect(await used(w, t)).toEqual(times(1));
    // a failure (compensated by the agent) gives it back at once
    await record(
      w,
      frame(approved.requestId, { kind: "failed", failure, at: at.toISOString() }, { tenantId: t.tenantId }),
    );
    expect(await used(w, t)).toEqual(times(0));

    await readyVm(w, t);
    expect(await used(w, t)).toEqual(times(1));
  });

  it("frees a READY VM's capacity when it is deleted, gone from vCenter or its lease ends", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const [deleted, gone, ended, kept] = [
      await readyVm(w, t, { name: "deleted" }),
      await readyVm(w, t, { name: "gone", vmwareId: "vm-gone" }),
      await readyVm(w, t, { name: "ended" }),
      await readyVm(w, t, { name: "kept" }),
    ];
    expect(await used(w, t)).toEqual(times(4));

    const { actionId } = await as(w, t.member).vms.delete({
      vmId: deleted,
      idempotencyKey: freshKey(),
      confirmName: "web-api-01",
    });
    // asked, not done: the VM still holds its capacity until vCenter deleted it
    expect(await used(w, t)).toEqual(times(4));
    await report(w, t, {
      vmId: deleted,
      actionId: actionId ?? "",
      update: {
        kind: "action-done",
        result: { facts: null, snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    expect(await used(w, t)).toEqual(times(3));

    await appendToVm(w, t, gone, [{ type: "VmGone", data: { vmId: gone, vmwareId: "vm-gone" } }]);
    expect(await used(w, t)).toEqual(times(2));

    const at = w.clock.now().toISOString();
    await appendToVm(w, t, ended, [
      { type: "VmLeaseEnded", data: { vmId: ended, expiresAt: at, nextCheckAt: at } },
    ]);
    expect(await used(w, t)).toEqual(times(1));
    expect((await as(w, t.member).vms.get({ vmId: kept })).vm.status).toBe("READY");
  });

  it("holds a resized VM's new spec once its resize is asked (a resize up once approved), and refuses growth past the quota", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vmId = await readyVm(w, t);
    await as(w, t.admin).quotas.set({ projectId: t.projectId, limits: { ...UNLIMITED, vcpu: 10 } });
    // M → XL needs 12 more vCPU; 6 are left
    expect(
      await refusal(as(w, t.member).vms.resize({ vmId, idempotencyKey: freshKey(), size: "XL" })),
    ).toEqual({ code: "CONFLICT", message: "Project App allows 10 vCPU; 6 are left, this resize needs 12" });
    const up = await as(w, t.member).vms.resize({ vmId, idempotencyKey: freshKey(), size: "L" });
    expect(up.outcome).toBe("awaiting-approval");
    // waiting for approval holds nothing more
    expect(await used(w, t)).toEqual(times(1));
    await as(w, t.admin).approvals.approveResize({ vmId, approvalId: up.approvalId ?? "" });
    expect(await used(w, t)).toEqual({ vcpu: 8, memoryGb: 16, diskGb: 200, vms: 1 });
    // vCenter refused it: the VM holds what it has again
    await report(w, t, {
      vmId,
      actionId: up.approvalId ?? "",
      update: {
        kind: "action-failed",
        failure: {
          code: "INSUFFICIENT_RESOURCES",
          userMessage: "The host has no room for this size.",
          technicalDetail: "ReconfigVM_Task: InsufficientResourcesFault",
          retriable: false,
          attempts: 1,
        },
        at: w.clock.now().toISOString(),
      },
    });
    expect(await used(w, t)).toEqual(times(1));
    const again = await as(w, t.member).vms.resize({ vmId, idempotencyKey: freshKey(), size: "L" });
    await as(w, t.admin).approvals.approveResize({ vmId, approvalId: again.approvalId ?? "" });
    expect(await used(w, t)).toEqual({ vcpu: 8, memoryGb: 16, diskGb: 200, vms: 1 });
    await report(w, t, {
      vmId,
      actionId: again.approvalId ?? "",
      update: {
        kind: "action-done",
        result: { facts: vmFacts({ cpu: 8, memoryMb: 16384, diskGb: 200 }), snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    // a resize down (the disk kept) gives the difference back as soon as it is asked
    await as(w, t.member).vms.resize({ vmId, idempotencyKey: freshKey(), size: "M", keepDisk: true });
    expect(await used(w, t)).toEqual({ vcpu: 4, memoryGb: 8, diskGb: 200, vms: 1 });
  });
});

describe("enforcement", () => {
  it("refuses a submit that cannot fit at the size field, naming the limit and what is left", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    await as(w, t.admin).quotas.set({ projectId: t.projectId, limits: { ...UNLIMITED, vcpu: 6 } });
    await readyVm(w, t);
    const refused = await refusal(as(w, t.member).requests.create(requestInput(t.projectId, { size: "L" })));
    expect(refused).toEqual({
      code: "CONFLICT",
      message: "size Project App allows 6 vCPU; 2 are left, this request needs 8",
    });
    // nothing was written: no request, nothing requested
    expect(await projectUsage(w, t)).toMatchObject({ used: times(1), requested: times(0) });
    // pending requests hold nothing: two that each fit on their own are both accepted
    await as(w, t.admin).quotas.set({ projectId: t.projectId, limits: { ...UNLIMITED, vcpu: 8 } });
    const a = await as(w, t.member).requests.create(requestInput(t.projectId));
    const b = await as(w, t.member).requests.create(requestInput(t.projectId));
    expect((await projectUsage(w, t)).requested).toEqual(times(2));
    // …but only one can be approved
    await as(w, t.admin).approvals.approve({ requestId: a.requestId, expectedVersion: 1 });
    expect(
      await refusal(as(w, t.admin).approvals.approve({ requestId: b.requestId, expectedVersion: 1 })),
    ).toEqual({ code: "CONFLICT", message: "Project App allows 8 vCPU; 0 are left, this request needs 4" });
    expect((await as(w, t.admin).requests.get({ requestId: b.requestId })).request.status).toBe("PENDING");
  });

  it("lets exactly the allowed number of concurrent approvals win; the rest get CONFLICT with nothing written", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    await as(w, t.admin).quotas.set({ projectId: t.projectId, limits: { ...UNLIMITED, vms: 3 } });
    const requests = [];
    for (let i = 0; i < 6; i++)
      requests.push(await as(w, t.member).requests.create(requestInput(t.projectId)));
    // two admins, six approvals at once
    const outcomes = await Promise.allSettled(
      requests.map((r, i) =>
        as(w, i % 2 === 0 ? t.admin : t.otherAdmin).approvals.approve({
          requestId: r.requestId,
          expectedVersion: r.version,
        }),
      ),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as { code: string }] : []));
    expect(won).toHaveLength(3);
    expect(lost.map((e) => e.code)).toEqual(["CONFLICT", "CONFLICT", "CONFLICT"]);
    await w.settle();
    expect(await used(w, t)).toEqual(times(3));
    const statuses = await Promise.all(
      requests.map(
        async (r) => (await as(w, t.admin).requests.get({ requestId: r.requestId })).request.status,
      ),
    );
    expect(statuses.filter((s) => s === "APPROVED")).toHaveLength(3);
    expect(statuses.filter((s) => s === "PENDING")).toHaveLength(3);
    // one job per winner, none for a loser
    expect(new Set(w.dispatcher.calls.map((d) => d.job.requestId)).size).toBe(3);
  });

  it("lets one of two resize approvals racing for the last capacity win", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vms = [await readyVm(w, t, { name: "first" }), await readyVm(w, t, { name: "second" })];
    await as(w, t.admin).quotas.set({ projectId: t.projectId, limits: { ...UNLIMITED, vcpu: 12 } });
    // M → L needs 4 more vCPU each; 4 are left, so each fits on its own and waits for approval
    const asked: (string | null)[] = [];
    for (const vmId of vms)
      asked.push(
        (await as(w, t.member).vms.resize({ vmId, idempotencyKey: freshKey(), size: "L" })).approvalId,
      );
    const outcomes = await Promise.allSettled(
      vms.map((vmId, i) =>
        as(w, i === 0 ? t.admin : t.otherAdmin).approvals.approveResize({
          vmId,
          approvalId: asked[i] ?? "",
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const lost = outcomes.flatMap((o) =>
      o.status === "rejected" ? [o.reason as Error & { code: string }] : [],
    );
    expect(lost.map((e) => [e.code, e.message])).toEqual([
      ["CONFLICT", "Project App allows 12 vCPU; 0 are left, this resize needs 4"],
    ]);
    await w.settle();
    expect(await used(w, t)).toEqual({ vcpu: 12, memoryGb: 24, diskGb: 300, vms: 2 });
  });

  it("holds a tenant-wide quota across projects, and tells each scope apart", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const other = `${t.tenantId}-proj2`;
    await env.DB.prepare(
      "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, 'data', 'Data', 'data', ?)",
    )
      .bind(other, t.tenantId, t.siteId)
      .run();
    await as(w, t.admin).quotas.set({ projectId: null, limits: { ...UNLIMITED, memoryGb: 12 } });
    await readyVm(w, t);
    const refused = await refusal(as(w, t.member).requests.create(requestInput(other)));
    expect(refused.message).toBe(
      `size Tenant Tenant ${t.tenantId} allows 12 GB of memory; 4 GB are left, this request needs 8 GB`,
    );
    const list = await as(w, t.admin).quotas.list();
    expect(list.tenant).toMatchObject({ limits: { memoryGb: 12 }, used: times(1) });
    expect(list.projects.map((p) => [p.name, p.used.vms])).toEqual([
      ["App", 1],
      ["Data", 0],
    ]);
    // a member cannot set quotas; each change is audited with who made it
    expect((await refusal(as(w, t.member).quotas.set({ projectId: null, limits: UNLIMITED }))).code).toBe(
      "FORBIDDEN",
    );
    const audit = await as(w, t.admin).audit.list({ filter: { action: "QUOTA_CHANGED" } });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: { id: t.admin.userId },
      summary: "quota vCPU unlimited, memory 12 GB, disk unlimited, VMs unlimited",
    });
  });

  it("keeps limits within the schema and the table's CHECKs", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const bad = { ...UNLIMITED, vcpu: -1 };
    expect((await refusal(as(w, t.admin).quotas.set({ projectId: null, limits: bad }))).code).toBe(
      "BAD_REQUEST",
    );
    await expect(
      env.DB.prepare(
        "INSERT INTO quotas (tenant_id, project_id, vcpu, updated_at, updated_by) VALUES (?, '', 1.5, 'x', 'y')",
      )
        .bind(t.tenantId)
        .run(),
    ).rejects.toThrow(/CHECK/);
  });
});

describe("cost", () => {
  it("writes no D1 row for the quota check; its reads grow with the tenant's requests", async () => {
    const approveCost = async (limits: QuotaLimits | null, earlier: number) => {
      const db = new MeteredD1(env.DB);
      const w = testWorkflow({ db });
      const t = await createTestTenant(env.DB);
      if (limits) await as(w, t.admin).quotas.set({ projectId: t.projectId, limits });
      for (let i = 0; i < earlier; i++) await as(w, t.member).requests.create(requestInput(t.projectId));
      const created = await as(w, t.member).requests.create(requestInput(t.projectId));
      const before = { written: db.rowsWritten, read: db.rowsRead };
      await as(w, t.admin).approvals.approve({ requestId: created.requestId, expectedVersion: 1 });
      await w.settle();
      return { written: db.rowsWritten - before.written, read: db.rowsRead - before.read };
    };
    const free = await approveCost(null, 0);
    const limited = await approveCost({ ...UNLIMITED, vcpu: 1000 }, 0);
    const limitedLater = await approveCost({ ...UNLIMITED, vcpu: 1000 }, 10);
    console.info(
      JSON.stringify({ quotaCheckRowsPerApproval: { free, limited, limitedAfter10: limitedLater } }),
    );
    expect(limited.written).toBe(free.written);
    expect(limitedLater.written).toBe(free.written);
    // with a quota, the check reads the tenant's summary rows: more requests, more rows read
    expect(limited.read).toBeGreaterThan(free.read);
    expect(limitedLater.read).toBeGreaterThan(limited.read);
  });
});
