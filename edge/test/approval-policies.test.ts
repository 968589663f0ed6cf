import { env } from "cloudflare:workers";
import type { ApprovalPolicy } from "@gantry/shared/domain/approval-policy";
import { beforeAll, describe, expect, it } from "vitest";
import { rejectPastDeadline } from "../src/commands/reject-past-deadline.ts";
import { notifierDeps } from "../src/deps.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { runNotifier } from "../src/notifications/notifier.ts";
import { vmIdFor } from "../src/provisioning/ids.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm } from "./support/vms.ts";

// Approval policies (issue 18) through the API, on real D1: the first matching rule decides, an automatic
// approval is the approve use case with actor "policy", two approvals need two different people, and the
// minute cron rejects what waits past its rule's deadline.

const POLICY: ApprovalPolicy = {
  rules: [
    {
      id: "small-auto",
      when: { maxCpu: 4, maxMemoryGb: 8, subjects: ["new-vm"] },
      outcome: { kind: "auto-approve" },
      pendingDeadline: null,
    },
    {
      id: "xl-two",
      when: { sizes: ["XL"] },
      outcome: { kind: "require-approvals", count: 2 },
      pendingDeadline: {
        afterSeconds: 3600,
        reason: "XL requests expire after an hour without two approvals",
      },
    },
  ],
};

beforeAll(async () => {
  await seedReferenceData(env.DB);
});

async function tenantWithPolicy(
  policy: ApprovalPolicy = POLICY,
): Promise<{ w: TestWorkflow; t: TestTenant }> {
  const w = testWorkflow();
  const t = await createTestTenant(env.DB);
  await callerFor(t.admin, w).approvalPolicies.set({ projectId: t.projectId, policy });
  return { w, t };
}

async function eventsOf(requestId: string) {
  const { events } = await readStream(env.DB, streamIds.vmRequest(requestId));
  return events;
}

describe("approval policies: evaluation", () => {
  it("the first matching rule decides, by each condition; no match keeps one approval", async () => {
    const { w, t } = await tenantWithPolicy();
    const preview = (input: {
      size: string | null;
      cpu: number;
      memoryGb: number;
      diskGb: number;
      subject?: "new-vm" | "resize" | "lease-extension";
    }) =>
      callerFor(t.admin, w).approvalPolicies.preview({
        policy: POLICY,
        size: input.size,
        subject: input.subject ?? "new-vm",
        spec: { cpu: input.cpu, memoryGb: input.memoryGb, diskGb: input.diskGb },
      });
    // within cpu and memory: rule 1
    expect(await preview({ size: "M", cpu: 4, memoryGb: 8, diskGb: 100 })).toMatchObject({
      ruleId: "small-auto",
      approvalsRequired: 0,
      explanation: expect.stringMatching(
        /^auto-approved because rule 1 \(small-auto\): size ≤ 4 vCPU \/ 8 GB/,
      ),
    });
    // one vCPU over, one GB over: not rule 1
    expect((await preview({ size: "M", cpu: 5, memoryGb: 8, diskGb: 100 })).ruleId).toBeNull();
    expect((await preview({ size: "M", cpu: 4, memoryGb: 9, diskGb: 100 })).ruleId).toBeNull();
    // a resize is not a new VM: rule 1 is for new VMs only
    expect(
      (await preview({ size: null, cpu: 2, memoryGb: 4, diskGb: 50, subject: "resize" })).ruleId,
    ).toBeNull();
    // the size code: rule 2, two approvals with its deadline
    expect(await preview({ size: "XL", cpu: 16, memoryGb: 32, diskGb: 500 })).toMatchObject({
      ruleId: "xl-two",
      approvalsRequired: 2,
      pendingDeadline: { afterSeconds: 3600 },
      explanation: expect.stringMatching(/^needs 2 approvals because rule 2 \(xl-two\): size XL/),
    });
    // first match wins: an XL-coded request within rule 1's resources is rule 1's
    expect((await preview({ size: "XL", cpu: 2, memoryGb: 4, diskGb: 50 })).ruleId).toBe("small-auto");
    // the disk limit, and a require-1 outcome
    const disk: ApprovalPolicy = {
      rules: [
        {
          id: "disk",
          when: { maxDiskGb: 60 },
          outcome: { kind: "require-approvals", count: 1 },
          pendingDeadline: null,
        },
      ],
    };
    const byDisk = (diskGb: number) =>
      callerFor(t.admin, w).approvalPolicies.preview({
        policy: disk,
        size: null,
        spec: { cpu: 1, memoryGb: 1, diskGb },
      });
    expect(await byDisk(60)).toMatchObject({ ruleId: "disk", approvalsRequired: 1 });
    expect(await byDisk(61)).toMatchObject({ ruleId: null, approvalsRequired: 1 });
  });

  it("refuses a policy that does not hold together, at the field", async () => {
    const { w, t } = await tenantWithPolicy();
    const admin = callerFor(t.admin, w).approvalPolicies;
    const twice = { ...POLICY, rules: [POLICY.rules[0], POLICY.rules[0]] } as ApprovalPolicy;
    expect(await codeOf(admin.set({ projectId: t.projectId, policy: twice }))).toBe("BAD_REQUEST");
    const autoWithDeadline = {
      rules: [{ ...POLICY.rules[0], pendingDeadline: { afterSeconds: 60, reason: "too slow" } }],
    } as ApprovalPolicy;
    expect(await codeOf(admin.set({ projectId: t.projectId, policy: autoWithDeadline }))).toBe("BAD_REQUEST");
    const three = { rules: [{ ...POLICY.rules[1], outcome: { kind: "require-approvals", count: 3 } }] };
    expect(await codeOf(admin.set({ projectId: t.projectId, policy: three as never }))).toBe("BAD_REQUEST");
    // members may not read or change policies
    expect(await codeOf(callerFor(t.member, w).approvalPolicies.list())).toBe("FORBIDDEN");
  });

  it("a change is an audited ApprovalPolicyChanged with who made it", async () => {
    const { w, t } = await tenantWithPolicy();
    const list = await callerFor(t.admin, w).approvalPolicies.list();
    expect(list.projects.find((p) => p.projectId === t.projectId)).toMatchObject({
      source: "project",
      policy: POLICY,
    });
    const audit = await callerFor(t.admin, w).audit.list({ filter: { action: "APPROVAL_POLICY_CHANGED" } });
    expect(audit.items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: t.admin.userId, kind: "user" }),
        summary: expect.stringContaining("small-auto → auto-approve, xl-two → 2 approval(s)"),
      }),
    ]);
  });
});

describe("automatic approval", () => {
  it("approves at submit through the approve use case, actor policy and the rule, with its job", async () => {
    const { w, t } = await tenantWithPolicy();
    const member = callerFor(t.member, w);
    const input = requestInput(t.projectId, { size: "M" });
    const submitted = await member.requests.create(input);
    await w.settle();
    const detail = await member.requests.get({ requestId: submitted.requestId });
    expect(detail.request.status).toBe("APPROVED");
    expect(
      [...w.dispatcher.queued.values()].map((d) => ("requestId" in d.job ? d.job.requestId : null)),
    ).toEqual([submitted.requestId]);
    const approved = (await eventsOf(submitted.requestId)).find((e) => e.event.type === "VmRequestApproved");
    expect(approved?.metadata).toMatchObject({ actorKind: "policy", actorId: "policy:small-auto" });
    expect(approved?.event.data).toMatchObject({
      policyRuleId: "small-auto",
      explanation: expect.stringContaining("auto-approved because rule 1 (small-auto)"),
    });
    // the request page says why
    expect(detail.timeline).toContainEqual(
      expect.objectContaining({
        kind: "APPROVED",
        title: "Approved by the approval policy",
        actor: expect.objectContaining({ kind: "policy" }),
        detail: expect.stringContaining("size ≤ 4 vCPU / 8 GB"),
      }),
    );
    // the audit page lists it with actor policy
    const audit = await callerFor(t.admin, w).audit.list({ filter: { actorKind: "policy" } });
    expect(audit.items).toEqual([
      expect.objectContaining({ action: "REQUEST_APPROVED", requestId: submitted.requestId }),
    ]);
    // a retried submit is the same request, approved once
    const again = await member.requests.create(input);
    expect(again.requestId).toBe(submitted.requestId);
    expect(
      (await eventsOf(submitted.requestId)).filter((e) => e.event.type === "VmRequestApproved"),
    ).toHaveLength(1);
  });

  it("tells nobody of an automatic approval: no approver hears of a request that never waited, and its requester hears next of READY", async () => {
    const { w, t } = await tenantWithPolicy();
    const auto = await callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "M" }));
    // an XL waits for two people: they hear of it
    const waits = await callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "XL" }));
    await w.settle();
    await runNotifier(notifierDeps(env));
    const { results } = await env.DB.prepare(
      "SELECT recipient_id, kind, link FROM notifications WHERE tenant_id = ? AND kind IN ('request.pending', 'request.approved') ORDER BY kind",
    )
      .bind(t.tenantId)
      .all<{ recipient_id: string; kind: string; link: string }>();
    // the tenant's admins hear of the XL only; nobody hears of the automatic approval
    expect(results.map((r) => r.recipient_id)).toContain(t.admin.userId);
    expect(results.map((r) => [r.kind, r.link])).toEqual(
      results.map(() => ["request.pending", `/requests/${waits.requestId}`]),
    );
    expect(results.some((r) => r.link.includes(auto.requestId))).toBe(false);
  });

  it("leaves the request pending for a person when the approval is refused", async () => {
    // the project's site has no placement: the approval (anyone's) is refused, the request waits
    const w = testWorkflow();
    const t = await createTestTenant(env.DB, { placement: false });
    await callerFor(t.admin, w).approvalPolicies.set({ projectId: null, policy: POLICY });
    const submitted = await callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "S" }));
    const detail = await callerFor(t.member, w).requests.get({ requestId: submitted.requestId });
    expect(detail.request.status).toBe("PENDING");
    expect(detail.approvals).toMatchObject({ required: 0, given: 0 });
    expect(w.dispatcher.calls).toEqual([]);
  });
});

describe("two approvals", () => {
  it("need two different people; the same one twice and one's own are refused; a project approver counts", async () => {
    const { w, t } = await tenantWithPolicy();
    await callerFor(t.admin, w).settings.setApprover({
      projectId: t.projectId,
      userId: t.otherMember.userId,
      approver: true,
    });
    const member = callerFor(t.member, w);
    const submitted = await member.requests.create(requestInput(t.projectId, { size: "XL" }));
    expect(submitted.version).toBe(2);
    // the requester cannot approve their own
    expect(
      await codeOf(member.approvals.approve({ requestId: submitted.requestId, expectedVersion: 2 })),
    ).toBe("FORBIDDEN");
    // the first approval, by the project approver: recorded (who), no job yet
    const approver = callerFor(t.otherMember, w);
    const first = await approver.approvals.approve({ requestId: submitted.requestId, expectedVersion: 2 });
    expect(first).toMatchObject({ version: 3, awaiting: 1 });
    expect(w.dispatcher.calls).toEqual([]);
    const given = (await eventsOf(submitted.requestId)).at(-1);
    expect(given?.event).toMatchObject({ type: "VmRequestApprovalGiven", data: { given: 1, required: 2 } });
    expect(given?.metadata.actorId).toBe(t.otherMember.userId);
    // "1 of 2 approvals", to approvers and to the requester
    const queue = await callerFor(t.admin, w).approvals.pending({});
    expect(queue.items.find((r) => r.requestId === submitted.requestId)?.approvals).toMatchObject({
      required: 2,
      given: 1,
    });
    expect((await member.requests.get({ requestId: submitted.requestId })).approvals).toMatchObject({
      required: 2,
      given: 1,
    });
    // the same person a second time: refused, nothing written
    expect(
      await codeOf(approver.approvals.approve({ requestId: submitted.requestId, expectedVersion: 3 })),
    ).toBe("CONFLICT");
    expect((await eventsOf(submitted.requestId)).length).toBe(3);
    // the second, by an admin: approved, one job
    const second = await callerFor(t.admin, w).approvals.approve({
      requestId: submitted.requestId,
      expectedVersion: 3,
    });
    expect(second).toMatchObject({ version: 4, awaiting: 0 });
    await w.settle();
    expect(w.dispatcher.queued.size).toBe(1);
    expect((await member.requests.get({ requestId: submitted.requestId })).request.status).toBe("APPROVED");
  });

  it("end at a rejection by any approver, also after the first approval", async () => {
    const { w, t } = await tenantWithPolicy();
    const submitted = await callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "XL" }));
    await callerFor(t.admin, w).approvals.approve({ requestId: submitted.requestId, expectedVersion: 2 });
    await callerFor(t.otherAdmin, w).approvals.reject({
      requestId: submitted.requestId,
      expectedVersion: 3,
      reason: "too big for this project",
    });
    expect(
      (await callerFor(t.member, w).requests.get({ requestId: submitted.requestId })).request.status,
    ).toBe("REJECTED");
  });
});

describe("the pending deadline", () => {
  it("rejects a request pending past its rule's deadline once, actor policy, and tells the requester", async () => {
    const { w, t } = await tenantWithPolicy();
    const member = callerFor(t.member, w);
    const late = await member.requests.create(requestInput(t.projectId, { size: "XL" }));
    const decided = await member.requests.create(requestInput(t.projectId, { size: "XL" }));
    await callerFor(t.admin, w).approvals.reject({
      requestId: decided.requestId,
      expectedVersion: 2,
      reason: "decided before the deadline",
    });
    // not yet due: nothing happens
    w.clock.advance(3599_000);
    await rejectPastDeadline(w.deps);
    expect((await member.requests.get({ requestId: late.requestId })).request.status).toBe("PENDING");
    // past the deadline: two concurrent sweeps write the rejection once; the decided request is untouched
    w.clock.advance(2_000);
    await Promise.all([rejectPastDeadline(w.deps), rejectPastDeadline(w.deps)]);
    await rejectPastDeadline(w.deps);
    await w.settle();
    const events = await eventsOf(late.requestId);
    const rejections = events.filter((e) => e.event.type === "VmRequestRejected");
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.metadata).toMatchObject({ actorKind: "policy" });
    expect(rejections[0]?.event.data).toMatchObject({ reason: POLICY.rules[1]?.pendingDeadline?.reason });
    expect(
      (await eventsOf(decided.requestId)).filter((e) => e.event.type === "VmRequestRejected"),
    ).toHaveLength(1);
    // the requester's inbox has the rejection with the rule's reason
    await runNotifier(notifierDeps(env));
    const { results } = await env.DB.prepare(
      "SELECT body FROM notifications WHERE tenant_id = ? AND recipient_id = ? AND kind = 'request.rejected'",
    )
      .bind(t.tenantId, t.member.userId)
      .all<{ body: string }>();
    expect(results.map((r) => r.body)).toContain(`Reason: ${POLICY.rules[1]?.pendingDeadline?.reason}`);
  });
});

describe("resizes and lease extensions", () => {
  const VM_RULES: ApprovalPolicy = {
    rules: [
      {
        id: "resize-to-l",
        when: { maxCpu: 8, maxMemoryGb: 16, subjects: ["resize"] },
        outcome: { kind: "auto-approve" },
        pendingDeadline: null,
      },
      {
        id: "extensions",
        when: { subjects: ["lease-extension"] },
        outcome: { kind: "auto-approve" },
        pendingDeadline: null,
      },
    ],
  };

  it("a resize up within a rule is approved by the policy and runs; beyond it waits for an admin", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vmId = await readyVm(w, t);
    await callerFor(t.admin, w).approvalPolicies.set({ projectId: t.projectId, policy: VM_RULES });
    const member = callerFor(t.member, w);
    const beyond = await member.vms.resize({ vmId, idempotencyKey: `k-${crypto.randomUUID()}`, size: "XL" });
    expect(beyond.outcome).toBe("awaiting-approval");
    await member.vms.withdrawResize({ vmId, approvalId: beyond.approvalId ?? "" });
    const within = await member.vms.resize({ vmId, idempotencyKey: `k-${crypto.randomUUID()}`, size: "L" });
    expect(within).toMatchObject({ outcome: "queued", actionId: within.approvalId });
    const { events } = await readStream(env.DB, streamIds.vm(vmIdFor(vmId)));
    const approved = events.find((e) => e.event.type === "VmResizeApproved");
    expect(approved?.metadata).toMatchObject({ actorKind: "policy", actorId: "policy:resize-to-l" });
  });

  it("an extension past the lease policy is approved by a rule for extensions", async () => {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vmId = await readyVm(w, t);
    const member = callerFor(t.member, w);
    // without a rule: it waits for an admin
    const waits = await member.leases.extend({
      vmId,
      idempotencyKey: `k-${crypto.randomUUID()}`,
      seconds: 31 * 86_400,
    });
    expect(waits.outcome).toBe("awaiting-approval");
    await member.leases.withdrawExtension({ vmId, approvalId: waits.approvalId ?? "" });
    await callerFor(t.admin, w).approvalPolicies.set({ projectId: t.projectId, policy: VM_RULES });
    const extended = await member.leases.extend({
      vmId,
      idempotencyKey: `k-${crypto.randomUUID()}`,
      seconds: 31 * 86_400,
    });
    expect(extended).toMatchObject({ outcome: "extended", approvalId: null });
    const { events } = await readStream(env.DB, streamIds.vm(vmIdFor(vmId)));
    expect(events.at(-1)?.metadata).toMatchObject({ actorKind: "policy", actorId: "policy:extensions" });
    expect((await member.vms.get({ vmId })).vm.lease?.pendingExtension).toBeNull();
  });

  // a resize up and a lease extension past the lease policy under a rule that wants people: two
  // approvals by two different people, and a deadline the minute sweep enforces
  const TWO_FOR_VMS: ApprovalPolicy = {
    rules: [
      {
        id: "vm-changes-two",
        when: { subjects: ["resize", "lease-extension"] },
        outcome: { kind: "require-approvals", count: 2 },
        pendingDeadline: {
          afterSeconds: 3600,
          reason: "VM changes expire after an hour without two approvals",
        },
      },
    ],
  };
  const key = () => `k-${crypto.randomUUID()}`;
  const vmEvents = async (vmId: string) => (await readStream(env.DB, streamIds.vm(vmIdFor(vmId)))).events;

  async function vmWithPolicy() {
    const w = testWorkflow();
    const t = await createTestTenant(env.DB);
    const vmId = await readyVm(w, t);
    await callerFor(t.admin, w).approvalPolicies.set({ projectId: t.projectId, policy: TWO_FOR_VMS });
    return { w, t, vmId };
  }

  it("a resize up needs two different people (a project approver counts); the same one twice, and one's own, are refused", async () => {
    const { w, t, vmId } = await vmWithPolicy();
    // otherMember approves the project's changes; the VM is member's
    await callerFor(t.admin, w).settings.setApprover({
      projectId: t.projectId,
      userId: t.otherMember.userId,
      approver: true,
    });
    const member = callerFor(t.member, w);
    const asked = await member.vms.resize({ vmId, idempotencyKey: key(), size: "L" });
    expect(asked.outcome).toBe("awaiting-approval");
    const approvalId = asked.approvalId ?? "";
    const applied = (await vmEvents(vmId)).find((e) => e.event.type === "VmApprovalPolicyApplied");
    expect(applied?.metadata).toMatchObject({ actorKind: "policy", actorId: "policy:vm-changes-two" });
    // its owner cannot approve it (nor could a member who approves nothing)
    expect(await codeOf(member.approvals.approveResize({ vmId, approvalId }))).toBe("FORBIDDEN");
    // the first, by the project approver: recorded, nothing runs
    const approver = callerFor(t.otherMember, w);
    expect(await approver.approvals.approveResize({ vmId, approvalId })).toMatchObject({
      outcome: "awaiting-approval",
      actionId: null,
    });
    const given = (await vmEvents(vmId)).at(-1);
    expect(given?.event).toMatchObject({ type: "VmApprovalGiven", data: { given: 1, required: 2 } });
    expect(given?.metadata.actorId).toBe(t.otherMember.userId);
    expect(w.dispatcher.calls).toHaveLength(1); // the provisioning job only
    // "1 of 2 approvals" in the queue (the approver's, scoped to their project, and the admin's) and on the VM page
    for (const who of [approver, callerFor(t.admin, w)]) {
      const queue = await who.approvals.resizes({});
      expect(queue.items.find((r) => r.approvalId === approvalId)?.approvals).toMatchObject({
        required: 2,
        given: 1,
      });
    }
    expect((await member.vms.get({ vmId })).pendingResize?.approvals).toMatchObject({
      required: 2,
      given: 1,
    });
    // the same person again: CONFLICT, nothing written
    const before = (await vmEvents(vmId)).length;
    expect(await codeOf(approver.approvals.approveResize({ vmId, approvalId }))).toBe("CONFLICT");
    expect((await vmEvents(vmId)).length).toBe(before);
    // the second, by an admin: the resize runs
    expect(await callerFor(t.admin, w).approvals.approveResize({ vmId, approvalId })).toMatchObject({
      outcome: "queued",
      actionId: approvalId,
    });
    expect((await vmEvents(vmId)).map((e) => e.event.type).slice(-2)).toEqual([
      "VmResizeApproved",
      "VmActionRequested",
    ]);
  });

  it("a rejection after the first approval ends a resize", async () => {
    const { w, t, vmId } = await vmWithPolicy();
    const asked = await callerFor(t.member, w).vms.resize({ vmId, idempotencyKey: key(), size: "L" });
    const approvalId = asked.approvalId ?? "";
    await callerFor(t.admin, w).approvals.approveResize({ vmId, approvalId });
    await callerFor(t.otherAdmin, w).approvals.rejectResize({ vmId, approvalId, reason: "not this quarter" });
    expect((await callerFor(t.member, w).vms.get({ vmId })).pendingResize).toBeNull();
    expect(await codeOf(callerFor(t.otherAdmin, w).approvals.approveResize({ vmId, approvalId }))).toBe(
      "CONFLICT",
    );
  });

  it("the quota guards the second approval of a resize, the one that approves it", async () => {
    const { w, t, vmId } = await vmWithPolicy();
    const asked = await callerFor(t.member, w).vms.resize({ vmId, idempotencyKey: key(), size: "L" });
    const approvalId = asked.approvalId ?? "";
    // the project's capacity shrinks to what the VM holds (M: 4 vCPU); L needs 4 more
    const limits = { vcpu: 4, memoryGb: null, diskGb: null, vms: null };
    await callerFor(t.admin, w).quotas.set({ projectId: t.projectId, limits });
    // the first of two approvals takes no capacity, so it is recorded; the second, which would, is refused
    expect(await callerFor(t.admin, w).approvals.approveResize({ vmId, approvalId })).toMatchObject({
      outcome: "awaiting-approval",
    });
    expect(await codeOf(callerFor(t.otherAdmin, w).approvals.approveResize({ vmId, approvalId }))).toBe(
      "CONFLICT",
    );
    expect((await vmEvents(vmId)).some((e) => e.event.type === "VmResizeApproved")).toBe(false);
    await callerFor(t.admin, w).quotas.set({ projectId: t.projectId, limits: { ...limits, vcpu: 8 } });
    expect(await callerFor(t.otherAdmin, w).approvals.approveResize({ vmId, approvalId })).toMatchObject({
      outcome: "queued",
    });
  });

  it("an extension past the lease policy needs two different people; one's own is refused", async () => {
    const { w, t, vmId } = await vmWithPolicy();
    const member = callerFor(t.member, w);
    const asked = await member.leases.extend({ vmId, idempotencyKey: key(), seconds: 31 * 86_400 });
    expect(asked.outcome).toBe("awaiting-approval");
    const approvalId = asked.approvalId ?? "";
    expect(await codeOf(member.leases.approveExtension({ vmId, approvalId }))).toBe("FORBIDDEN");
    const admin = callerFor(t.admin, w);
    await admin.leases.approveExtension({ vmId, approvalId });
    expect((await vmEvents(vmId)).at(-1)?.event).toMatchObject({
      type: "VmApprovalGiven",
      data: { subject: "lease-extension", given: 1, required: 2 },
    });
    const queue = await admin.leases.pendingExtensions({});
    expect(queue.items.find((x) => x.approvalId === approvalId)?.approvals).toMatchObject({
      required: 2,
      given: 1,
    });
    expect((await member.vms.get({ vmId })).pendingExtensionApprovals).toMatchObject({
      required: 2,
      given: 1,
    });
    expect(await codeOf(admin.leases.approveExtension({ vmId, approvalId }))).toBe("CONFLICT");
    await callerFor(t.otherAdmin, w).leases.approveExtension({ vmId, approvalId });
    const extended = (await vmEvents(vmId)).at(-1);
    expect(extended?.event).toMatchObject({ type: "VmLeaseExtended", data: { approvalId } });
    expect((await member.vms.get({ vmId })).vm.lease?.pendingExtension).toBeNull();
  });

  it("the minute sweep rejects a resize and an extension pending past the deadline once, actor policy, and tells the owner", async () => {
    const { w, t, vmId } = await vmWithPolicy();
    const member = callerFor(t.member, w);
    const resize = await member.vms.resize({ vmId, idempotencyKey: key(), size: "L" });
    const extension = await member.leases.extend({ vmId, idempotencyKey: key(), seconds: 31 * 86_400 });
    // a first approval changes nothing about the deadline
    await callerFor(t.admin, w).approvals.approveResize({ vmId, approvalId: resize.approvalId ?? "" });
    w.clock.advance(3599_000);
    await rejectPastDeadline(w.deps);
    expect((await member.vms.get({ vmId })).pendingResize).not.toBeNull();
    w.clock.advance(2_000);
    await Promise.all([rejectPastDeadline(w.deps), rejectPastDeadline(w.deps)]);
    await rejectPastDeadline(w.deps);
    await w.settle();
    const events = await vmEvents(vmId);
    const reason = TWO_FOR_VMS.rules[0]?.pendingDeadline?.reason;
    for (const [type, approvalId] of [
      ["VmResizeRejected", resize.approvalId],
      ["VmLeaseExtensionRejected", extension.approvalId],
    ] as const) {
      const rejections = events.filter((e) => e.event.type === type);
      expect(rejections).toHaveLength(1);
      expect(rejections[0]?.metadata).toMatchObject({ actorKind: "policy" });
      expect(rejections[0]?.event.data).toMatchObject({ approvalId, reason, withdrawn: false });
    }
    const page = await member.vms.get({ vmId });
    expect(page.pendingResize).toBeNull();
    expect(page.vm.lease?.pendingExtension).toBeNull();
    // the owner's inbox has both rejections with the rule's reason
    await runNotifier(notifierDeps(env));
    const { results } = await env.DB.prepare(
      "SELECT kind, body FROM notifications WHERE tenant_id = ? AND recipient_id = ? AND kind IN ('vm.action', 'vm.lease')",
    )
      .bind(t.tenantId, t.member.userId)
      .all<{ kind: string; body: string }>();
    expect(
      results
        .filter((r) => r.body === `Reason: ${reason}`)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(["vm.action", "vm.lease"]);
  });
});
