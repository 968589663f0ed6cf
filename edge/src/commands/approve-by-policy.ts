import type { VmActionAccepted } from "@gantry/shared/api/vms";
import { ok } from "@gantry/shared/result";
import { policyPrincipal } from "../auth/principal.ts";
import { logEvent } from "../log.ts";
import type { ManagedVm } from "../provisioning/managed-vm.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { approvalVerdictFor } from "./approval-verdict.ts";
import type { CommandDeps, DispatchDeps } from "./command-deps.ts";
import { decideLeaseExtension } from "./decide-lease-extension.ts";
import { decideResizeApproval } from "./decide-resize.ts";
import { decideOnLease } from "./lease-append.ts";
import { loadManagedVm } from "./vm-access.ts";

// Resizes up and lease extensions past the lease policy wait for an approval like a request (issue 18):
// right after one is asked for, the VM's project's approval policy is asked whether it approves it; when a
// rule says so, the policy approves it through the same decide use case a person's approval uses (its
// actor kind "policy", the rule in its id). Anything else (no rule, a rule that wants people, a refusal
// on the way) leaves it waiting for people: one, or as many as the rule asks, until its deadline.

type VmApprovalSubject = "resize" | "lease-extension";

/** Whether this approval still waits on the VM (a resize up, or an extension past the lease policy). */
const stillPending = (vm: ManagedVm, subject: VmApprovalSubject, approvalId: string) =>
  (subject === "resize" ? vm.pendingResize?.approvalId : vm.lease?.pending?.approvalId) === approvalId;

/**
 * The rule that approves this VM's pending approval automatically, or null. A rule that asks for people
 * (two approvals, a pending deadline) is recorded on the VM's stream (VmApprovalPolicyApplied), so the
 * deciders ask for the second approval and the cron's sweep rejects it past its deadline.
 */
async function autoApprovingRule(
  deps: CommandDeps,
  input: {
    tenantId: string;
    vm: ManagedVm;
    approvalId: string;
    subject: VmApprovalSubject;
    spec: ManagedVm["spec"];
    size: string;
  },
) {
  const { tenantId, vm, approvalId, subject } = input;
  const verdict = await approvalVerdictFor(deps, {
    tenantId,
    projectId: vm.projectId,
    case: { subject, spec: input.spec, size: input.size },
  });
  if (verdict.ruleId === null) return null;
  const rule = { ruleId: verdict.ruleId, explanation: verdict.explanation };
  if (verdict.approvalsRequired === 0) return rule;
  const { pendingDeadline } = verdict;
  const rejectAt = pendingDeadline
    ? new Date(deps.clock().getTime() + pendingDeadline.afterSeconds * 1000).toISOString()
    : null;
  const data = {
    vmId: vm.vmId,
    approvalId,
    subject,
    ruleId: rule.ruleId,
    approvalsRequired: verdict.approvalsRequired,
    pendingDeadline,
    rejectAt,
    explanation: rule.explanation,
  };
  const recorded = await decideOnLease(deps, {
    principal: policyPrincipal(tenantId, rule),
    vmId: vm.vmId,
    adminOnly: true,
    decide: (current) => {
      const fresh = stillPending(current, subject, approvalId) && !current.policyApprovals.has(approvalId);
      return ok({ events: fresh ? [{ type: "VmApprovalPolicyApplied" as const, data }] : [], value: null });
    },
  });
  if (!recorded.ok) logEvent("warn", "approval policy not recorded", { approvalId, error: recorded.error });
  return null;
}

/** A resize up waiting for approval, judged on its target size: approved by the policy, or null. */
export async function approveResizeByPolicy(
  deps: DispatchDeps,
  input: { tenantId: string; vmId: string; approvalId: string; vmPolicy: VmPolicy },
): Promise<VmActionAccepted | null> {
  const { vm, tenantId } = await loadManagedVm(deps.db, input.vmId);
  const pending = vm?.pendingResize;
  if (!vm || tenantId !== input.tenantId || pending?.approvalId !== input.approvalId) return null;
  const rule = await autoApprovingRule(deps, {
    tenantId,
    vm,
    approvalId: input.approvalId,
    subject: "resize",
    spec: pending.to.spec,
    size: pending.to.size,
  });
  if (!rule) return null;
  const approved = await decideResizeApproval(deps, {
    principal: policyPrincipal(tenantId, rule),
    vmId: input.vmId,
    approvalId: input.approvalId,
    verdict: { verdict: "approve" },
    policy: input.vmPolicy,
  });
  return approved.ok ? approved.value : null;
}

/** A lease extension past the policy, judged on the VM's resources: approved by the policy, or not. */
export async function approveExtensionByPolicy(
  deps: CommandDeps,
  input: { tenantId: string; vmId: string; approvalId: string },
): Promise<boolean> {
  const { vm, tenantId } = await loadManagedVm(deps.db, input.vmId);
  if (!vm || tenantId !== input.tenantId) return false;
  const rule = await autoApprovingRule(deps, {
    tenantId,
    vm,
    approvalId: input.approvalId,
    subject: "lease-extension",
    spec: vm.spec,
    size: vm.currentSize,
  });
  if (!rule) return false;
  const approved = await decideLeaseExtension(deps, {
    principal: policyPrincipal(tenantId, rule),
    vmId: input.vmId,
    approvalId: input.approvalId,
    verdict: { verdict: "approve" },
  });
  return approved.ok;
}
