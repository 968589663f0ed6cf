import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmApprovalEvent } from "@gantry/shared/events/vm-approval";
import { err, ok, type Result } from "@gantry/shared/result";
import type { ManagedVm } from "./managed-vm.ts";

/**
 * A person's approval of a resize or extension whose policy rule asks for two (issue 18), as a request's
 * approval goes: the same person never twice; short of the last, the approval is recorded
 * (VmApprovalGiven) and nothing runs yet. `ok(null)`: this approval is the one that approves.
 */
export function approvalShortOfLast(
  vm: ManagedVm,
  input: { approvalId: string; approverId: string; subject: "resize" | "lease-extension" },
): Result<VmApprovalEvent[] | null, DomainError> {
  const { approvalId, approverId, subject } = input;
  const asked = vm.policyApprovals.get(approvalId);
  if (!asked) return ok(null);
  if (asked.approvedBy.includes(approverId))
    return err({ code: "APPROVAL_ALREADY_GIVEN", requestId: vm.vmId });
  const given = asked.approvedBy.length + 1;
  if (given >= asked.required) return ok(null);
  const data = { vmId: vm.vmId, approvalId, subject, approverId, given, required: asked.required };
  return ok([{ type: "VmApprovalGiven", data }]);
}
