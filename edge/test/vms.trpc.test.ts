import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expireVmActions } from "../src/commands/expire-vm-actions.ts";
import { type Caller, callerFor, codeOf, freshKey } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report, vmFacts } from "./support/vms.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

/** The tRPC error a call rejects with: code and message. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error("the call succeeded");
}

const as = (
  w: TestWorkflow,
  who: keyof Pick<TestTenant, "member" | "otherMember" | "admin" | "otherAdmin">,
): Caller => callerFor(t[who], w);

describe("vms.list and vms.get", () => {
  it("lists a member's own VMs, an admin every VM of the tenant, filtered by project, owner, state and power", async () => {
    const w = testWorkflow();
    const mine = await readyVm(w, t);
    const theirs = await readyVm(w, t, { owner: t.otherMember });
    const ids = async (caller: Caller, input = {}) => (await caller.vms.list(input)).items.map((v) => v.vmId);
    expect(await ids(as(w, "member"))).toContain(mine);
    expect(await ids(as(w, "member"))).not.toContain(theirs);
    expect(await ids(as(w, "admin"))).toEqual(expect.arrayContaining([mine, theirs]));
    expect(await ids(as(w, "admin"), { ownerId: t.otherMember.userId })).toEqual(
      expect.arrayContaining([theirs]),
    );
    expect(await ids(as(w, "admin"), { ownerId: t.otherMember.userId })).not.toContain(mine);
    expect(await ids(as(w, "admin"), { projectId: "proj-none" })).toEqual([]);
    expect(await ids(as(w, "admin"), { powerState: "poweredOff" })).not.toContain(mine);
    expect(await ids(as(w, "admin"), { status: "READY", powerState: "poweredOn" })).toContain(mine);
    expect(await codeOf(as(w, "member").vms.list({ ownerId: t.otherMember.userId }))).toBe("FORBIDDEN");
  });

  it("answers another member's VM exactly like a missing one, for reads and for actions", async () => {
    const w = testWorkflow();
    const theirs = await readyVm(w, t, { owner: t.otherMember });
    const member = as(w, "member");
    const missing = "req_00000000000000000000000000000000";
    for (const vmId of [theirs, missing]) {
      expect(await refusal(member.vms.get({ vmId }))).toEqual({ code: "NOT_FOUND", message: "VM not found" });
      expect(await refusal(member.vms.powerOff({ vmId, idempotencyKey: freshKey() }))).toEqual({
        code: "NOT_FOUND",
        message: "VM not found",
      });
    }
  });

  it("shows the VM's facts, history, snapshots and what can be done now", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const detail = await as(w, "member").vms.get({ vmId });
    expect(detail.vm).toMatchObject({
      vmId,
      status: "READY",
      vmName: "web-api-01",
      powerState: "poweredOn",
      ipAddress: "10.0.0.5",
      size: "M",
      spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
      vmwareId: "vm-1001",
      siteId: t.siteId,
      action: null,
      snapshotCount: 0,
    });
    // the lease starts at READY with the built-in policy's 30 days (no policy of the tenant's own)
    expect(Date.parse(detail.vm.expiresAt ?? "") - Date.parse(detail.vm.createdAt)).toBe(30 * 86_400_000);
    expect(detail.vm.lease).toEqual({ phase: "active", destroyAt: null, pendingExtension: null });
    expect(detail.timeline.map((e) => e.kind)).toEqual(["PROVISIONED", "LEASE"]);
    expect(detail.snapshots).toEqual([]);
    expect(detail.snapshotCap).toBe(3);
    expect(detail.guestTimeoutSeconds).toBe(120);
    const availability = Object.fromEntries(detail.actions.map((a) => [a.kind, a]));
    expect(availability["power-off"]).toEqual({ kind: "power-off", available: true, reason: null });
    expect(availability["power-on"]).toMatchObject({
      available: false,
      reason: expect.stringMatching(/already running/),
    });
    expect(availability["snapshot-revert"]).toMatchObject({
      available: false,
      reason: expect.stringMatching(/no snapshots/),
    });
  });

  it("says which agent version is needed when the site's connected agents cannot run an action", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    w.dispatcher.agents = { connected: 1, jobs: ["provision-vm"], versions: ["0.1.0"] };
    const detail = await as(w, "member").vms.get({ vmId });
    expect(detail.actions.find((a) => a.kind === "power-off")).toEqual({
      kind: "power-off",
      available: false,
      reason: "the agents of site Lab cannot power off VMs yet: update them to version 0.2.0 or later",
    });
    expect(await refusal(as(w, "member").vms.powerOff({ vmId, idempotencyKey: freshKey() }))).toEqual({
      code: "PRECONDITION_FAILED",
      message: "the agents of site Lab cannot power off VMs yet: update them to version 0.2.0 or later",
    });
    w.dispatcher.agents = { connected: 0, jobs: [], versions: [] };
    expect(
      (await refusal(as(w, "member").vms.powerOff({ vmId, idempotencyKey: freshKey() }))).message,
    ).toMatch(/no agent of site Lab is connected/);
    expect(w.dispatcher.calls.filter((d) => d.job.kind !== "provision-vm")).toEqual([]);
  });
});

describe("actions", () => {
  it("queues an action as a job for the site's agents and refuses a second one while it runs, naming it", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const key = freshKey();
    const accepted = await as(w, "member").vms.shutdownGuest({
      vmId,
      idempotencyKey: key,
      reason: "patch window",
    });
    expect(accepted).toMatchObject({ vmId, outcome: "queued", approvalId: null });
    const job = w.dispatcher.calls.at(-1)?.job;
    expect(job).toMatchObject({
      kind: "vm.shutdown-guest",
      jobId: `job-${accepted.actionId}`,
      requestId: vmId,
      vmwareId: "vm-1001",
      timeoutSeconds: 120,
    });

    // the same key is the same action: nothing new
    expect(await as(w, "member").vms.shutdownGuest({ vmId, idempotencyKey: key })).toMatchObject({
      actionId: accepted.actionId,
      outcome: "queued",
    });
    // an admin's delete meanwhile: one action at a time, and the message says which one runs
    const busy = await refusal(
      as(w, "admin").vms.delete({ vmId, idempotencyKey: freshKey(), confirmName: "web-api-01" }),
    );
    expect(busy.code).toBe("CONFLICT");
    expect(busy.message).toMatch(/^Shut down guest is still running on this VM/);

    const [row] = (await as(w, "member").vms.list({})).items.filter((v) => v.vmId === vmId);
    expect(row?.action).toMatchObject({
      kind: "shutdown-guest",
      step: null,
      requestedBy: { id: t.member.userId },
      message: "Shut down guest: waiting for the site's agent…",
    });
  });

  it("shows each step as the agent reports it, then the outcome with the VM's facts", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const { actionId } = await as(w, "member").vms.shutdownGuest({
      vmId,
      idempotencyKey: freshKey(),
      timeoutSeconds: 60,
    });
    if (!actionId) throw new Error("no action");
    const at = () => w.clock.now().toISOString();
    await report(w, t, {
      vmId,
      actionId,
      update: { kind: "step", step: "SHUTTING_DOWN_GUEST", detail: { fallbackAfterSeconds: 60 }, at: at() },
    });
    expect((await as(w, "member").vms.get({ vmId })).vm.action?.message).toBe(
      "Shutting down the guest… (powering off if it has not stopped after 60 s)",
    );
    await report(w, t, {
      vmId,
      actionId,
      update: {
        kind: "step",
        step: "FALLING_BACK_TO_POWER_OFF",
        detail: { because: "timeout", fallbackAfterSeconds: 60 },
        at: at(),
      },
    });
    expect((await as(w, "admin").vms.get({ vmId })).vm.action?.message).toBe(
      "The guest did not shut down after 60 s: powering off…",
    );
    await report(w, t, {
      vmId,
      actionId,
      update: {
        kind: "action-done",
        result: {
          facts: vmFacts({ powerState: "poweredOff", ipAddress: null }),
          snapshot: null,
          note: "powered off after the guest did not shut down within 60 s",
        },
        at: at(),
      },
    });
    const detail = await as(w, "member").vms.get({ vmId });
    expect(detail.vm).toMatchObject({ powerState: "poweredOff", ipAddress: null, action: null });
    expect(detail.timeline.map((e) => [e.kind, e.title])).toEqual([
      ["PROVISIONED", "VM ready"],
      ["LEASE", "Lease started"],
      ["ACTION_REQUESTED", "Shut down guest"],
      ["ACTION_STEP", "Shutting down the guest… (powering off if it has not stopped after 60 s)"],
      ["ACTION_STEP", "The guest did not shut down after 60 s: powering off…"],
      ["ACTION_SUCCEEDED", "Shut down guest: done"],
    ]);
    expect(detail.timeline[2]?.actor).toMatchObject({ kind: "user", id: t.member.userId });
    expect(detail.timeline[5]?.detail).toMatch(/did not shut down within 60 s/);
    expect(detail.actions.find((a) => a.kind === "power-on")?.available).toBe(true);
  });

  it("keeps who and why in the audit trail", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    await as(w, "member").vms.restart({ vmId, idempotencyKey: freshKey(), reason: "kernel update" });
    const audit = await as(w, "admin").audit.list({});
    expect(audit.items.find((e) => e.requestId === vmId && e.action === "VM_RESTART")).toMatchObject({
      actor: { id: t.member.userId },
      summary: "restart: kernel update",
    });
  });

  it("deletes only with the VM's name typed, and a deleted VM leaves the list with its history kept", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const { name } = (await as(w, "member").vms.get({ vmId })).vm;
    const wrong = await refusal(
      as(w, "member").vms.delete({ vmId, idempotencyKey: freshKey(), confirmName: "nope" }),
    );
    expect(wrong.code).toBe("BAD_REQUEST");
    expect(w.dispatcher.calls.some((d) => d.job.kind === "vm.delete")).toBe(false);
    const { actionId } = await as(w, "member").vms.delete({
      vmId,
      idempotencyKey: freshKey(),
      confirmName: name,
    });
    if (!actionId) throw new Error("no action");
    await report(w, t, {
      vmId,
      actionId,
      update: {
        kind: "action-done",
        result: { facts: null, snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    expect((await as(w, "member").vms.list({})).items.map((v) => v.vmId)).not.toContain(vmId);
    expect((await as(w, "member").vms.list({ status: "DELETED" })).items.map((v) => v.vmId)).toContain(vmId);
    const detail = await as(w, "member").vms.get({ vmId });
    expect(detail.vm.status).toBe("DELETED");
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "PROVISIONED",
      "LEASE",
      "ACTION_REQUESTED",
      "ACTION_SUCCEEDED",
    ]);
    expect(detail.actions.every((a) => !a.available)).toBe(true);
  });

  it("caps snapshots per VM (the tenant's own cap first) and shows each with its age", async () => {
    const w = testWorkflow();
    const capped = await createTestTenant(env.DB);
    await env.DB.prepare("UPDATE tenants SET vm_snapshot_cap = 1 WHERE id = ?").bind(capped.tenantId).run();
    const vmId = await readyVm(w, capped);
    const member = callerFor(capped.member, w);
    const { actionId } = await member.vms.createSnapshot({
      vmId,
      idempotencyKey: freshKey(),
      name: "before upgrade",
      withMemory: true,
    });
    if (!actionId) throw new Error("no action");
    expect(w.dispatcher.calls.at(-1)?.job).toMatchObject({
      kind: "vm.snapshot-create",
      name: "before upgrade",
      withMemory: true,
    });
    const createdAt = w.clock.now().toISOString();
    await report(w, capped, {
      vmId,
      actionId,
      update: {
        kind: "action-done",
        result: {
          facts: vmFacts(),
          snapshot: { snapshotId: "snapshot-7", name: "before upgrade", createdAt, withMemory: true },
          note: null,
        },
        at: createdAt,
      },
    });
    w.clock.advance(3 * 24 * 3600_000);
    const detail = await member.vms.get({ vmId });
    expect(detail.snapshotCap).toBe(1);
    expect(detail.snapshots).toEqual([
      {
        snapshotId: "snapshot-7",
        name: "before upgrade",
        createdAt,
        withMemory: true,
        ageMs: 3 * 24 * 3600_000,
        createdBy: { id: capped.member.userId, name: capped.member.name },
      },
    ]);
    expect(detail.vm.snapshotCount).toBe(1);
    expect(
      await refusal(member.vms.createSnapshot({ vmId, idempotencyKey: freshKey(), name: "one more" })),
    ).toEqual({
      code: "PRECONDITION_FAILED",
      message: "this VM already has 1 snapshots, the most it may keep; delete one first",
    });
  });

  it("records TIMED_OUT for an action past its deadline and stops its job at the hub", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const { actionId } = await as(w, "member").vms.powerOff({ vmId, idempotencyKey: freshKey() });
    const stopped: string[] = [];
    const stop = async (job: { jobId: string }) => void stopped.push(job.jobId);
    expect(await expireVmActions(w.deps, stop)).toBe(0);
    w.clock.advance(11 * 60_000);
    expect(await expireVmActions(w.deps, stop)).toBeGreaterThanOrEqual(1);
    expect(stopped).toContain(`job-${actionId}`);
    const detail = await as(w, "member").vms.get({ vmId });
    expect(detail.vm.action).toBeNull();
    expect(detail.lastFailure).toMatchObject({ actionId, kind: "power-off", code: "TIMED_OUT" });
    // the agent's late report changes nothing
    if (!actionId) throw new Error("no action");
    await report(w, t, {
      vmId,
      actionId,
      update: {
        kind: "action-done",
        result: { facts: vmFacts({ powerState: "poweredOff" }), snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    expect((await as(w, "member").vms.get({ vmId })).vm.powerState).toBe("poweredOn");
  });
});

describe("resize", () => {
  it("resizes down or sideways at once (disks only grow), and a resize up waits for another admin", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    // M (4/8/100) to S would shrink the disk: refused, unless the VM keeps its disk
    expect(
      (await refusal(as(w, "member").vms.resize({ vmId, idempotencyKey: freshKey(), size: "S" }))).message,
    ).toBe(
      "a disk can only grow: the VM has 100 GB, this size 50 GB; resize with keepDisk to keep the VM's 100 GB disk",
    );
    const down = await as(w, "member").vms.resize({
      vmId,
      idempotencyKey: freshKey(),
      size: "S",
      keepDisk: true,
    });
    expect(down).toMatchObject({ outcome: "queued", approvalId: null });
    expect(w.dispatcher.calls.at(-1)?.job).toMatchObject({
      kind: "vm.resize",
      cpu: 2,
      memoryMb: 4096,
      diskGb: 100,
    });
    await report(w, t, {
      vmId,
      actionId: down.actionId ?? "",
      update: {
        kind: "action-done",
        result: { facts: vmFacts({ cpu: 2, memoryMb: 4096 }), snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    expect((await as(w, "member").vms.get({ vmId })).vm).toMatchObject({
      size: "S",
      spec: { cpu: 2, memoryGb: 4, diskGb: 100 },
    });
    const up = await as(w, "member").vms.resize({
      vmId,
      idempotencyKey: freshKey(),
      size: "L",
      reason: "more load",
    });
    expect(up).toMatchObject({ outcome: "awaiting-approval", actionId: null });
    const approvalId = up.approvalId ?? "";
    // the resize down's job, and none for the resize up yet
    expect(w.dispatcher.calls.filter((d) => d.job.kind === "vm.resize")).toHaveLength(1);
    const queue = await as(w, "admin").approvals.resizes({});
    expect(queue.items.find((r) => r.vmId === vmId)).toMatchObject({
      approvalId,
      from: { size: "S" },
      to: { size: "L", spec: { cpu: 8, memoryGb: 16, diskGb: 200 } },
      reason: "more load",
      requestedBy: { id: t.member.userId },
      owner: { id: t.member.userId },
    });
    expect((await as(w, "member").vms.get({ vmId })).pendingResize).toMatchObject({
      approvalId,
      to: { size: "L" },
    });
    // a second resize meanwhile is refused
    expect(
      (await refusal(as(w, "member").vms.resize({ vmId, idempotencyKey: freshKey(), size: "XL" }))).code,
    ).toBe("CONFLICT");
    expect(await codeOf(as(w, "member").approvals.approveResize({ vmId, approvalId }))).toBe("FORBIDDEN");

    const approved = await as(w, "admin").approvals.approveResize({ vmId, approvalId });
    expect(approved).toMatchObject({ outcome: "queued", actionId: approvalId });
    expect(w.dispatcher.calls.at(-1)?.job).toMatchObject({
      kind: "vm.resize",
      cpu: 8,
      memoryMb: 16384,
      diskGb: 200,
      powerCycle: false,
      powerStateBefore: "poweredOn",
    });
    expect((await as(w, "admin").approvals.resizes({})).items.map((r) => r.vmId)).not.toContain(vmId);
    // approving again changes nothing
    expect(await as(w, "otherAdmin").approvals.approveResize({ vmId, approvalId })).toMatchObject({
      outcome: "queued",
    });
    expect(w.dispatcher.calls.filter((d) => d.job.kind === "vm.resize")).toHaveLength(2);

    await report(w, t, {
      vmId,
      actionId: approvalId,
      update: {
        kind: "action-done",
        result: { facts: vmFacts({ cpu: 8, memoryMb: 16384, diskGb: 200 }), snapshot: null, note: null },
        at: w.clock.now().toISOString(),
      },
    });
    expect((await as(w, "member").vms.get({ vmId })).vm).toMatchObject({
      size: "L",
      spec: { cpu: 8, memoryGb: 16, diskGb: 200 },
    });
    const audit = (await as(w, "admin").audit.list({})).items
      .filter((e) => e.requestId === vmId)
      .map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(["VM_RESIZE_REQUESTED", "VM_RESIZE_APPROVED"]));
  });

  it("never lets an admin approve their own resize up, and a rejection says why", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t, { owner: t.admin, approver: t.otherAdmin });
    const { approvalId } = await as(w, "admin").vms.resize({
      vmId,
      idempotencyKey: freshKey(),
      size: "XL",
      powerCycle: true,
    });
    if (!approvalId) throw new Error("no approval");
    expect(await refusal(as(w, "admin").approvals.approveResize({ vmId, approvalId }))).toEqual({
      code: "FORBIDDEN",
      message: "you cannot approve or reject your own request",
    });
    await as(w, "otherAdmin").approvals.rejectResize({
      vmId,
      approvalId,
      reason: "not in this quarter's budget",
    });
    const detail = await as(w, "admin").vms.get({ vmId });
    expect(detail.pendingResize).toBeNull();
    expect(detail.timeline.at(-1)).toMatchObject({
      kind: "RESIZE_REJECTED",
      detail: "not in this quarter's budget",
    });
  });

  it("lets the owner withdraw a resize that still waits", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const { approvalId } = await as(w, "member").vms.resize({ vmId, idempotencyKey: freshKey(), size: "L" });
    if (!approvalId) throw new Error("no approval");
    await as(w, "member").vms.withdrawResize({ vmId, approvalId });
    expect((await as(w, "member").vms.get({ vmId })).timeline.at(-1)?.kind).toBe("RESIZE_WITHDRAWN");
    expect(await codeOf(as(w, "admin").approvals.approveResize({ vmId, approvalId }))).toBe("CONFLICT");
  });
});
