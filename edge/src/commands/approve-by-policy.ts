import type { VmActionAccepted } from "@gantry/shared/api/vms";
import type { ApprovalSubject } from "@gantry/shared/domain/approval-policy";
import { policyPrincipal } from "../auth/principal.ts";
import type { ManagedVm } from "../provisioning/managed-vm.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { approvalVerdictFor } from "./approval-verdict.ts";
import type { CommandDeps, DispatchDeps } from "./command-deps.ts";
import { decideLeaseExtension } from "./decide-lease-extension.ts";
import { decideResizeApproval } from "./decide-resize.ts";
import { loadManagedVm } from "./vm-access.ts";

// Resizes up and lease extensions past the lease policy wait for an approval like a request (issue 18):
// right after one is asked for, the VM's project's approval policy is asked whether it approves it; when a
// rule says so, the policy approves it through the same decide use case a person's approval uses (its
// actor kind "policy", the rule in its id). Anything else (no rule, a rule that wants people, a refusal
// on the way) leaves it waiting for an admin, as before.

/** The rule that approves this VM's pending approval automatically, or null. */
async function autoApprovingRule(
  deps: CommandDeps,
  input: { tenantId: string; vm: ManagedVm; subject: ApprovalSubject; spec: ManagedVm["spec"]; size: string },
) {
  const verdict = await approvalVerdictFor(deps, {
    tenantId: input.tenantId,
    projectId: input.vm.projectId,
    case: { subject: input.subject, spec: input.spec, size: input.size },
  });
  if (verdict.approvalsRequired !== 0 || verdict.ruleId === null) return null;
  return { ruleId: verdict.ruleId, explanation: verdict.explanation };
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
