import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmEvent } from "@gantry/shared/events/vm";
import { err, ok, type Result } from "@gantry/shared/result";
import type { ManagedVm } from "./managed-vm.ts";
import { actionRequested } from "./vm-action-decider.ts";
import { approvalShortOfLast } from "./vm-policy-approval.ts";

/** An admin's decision on a resize up, or its requester taking it back. */
export type ResizeDecision =
  | {
      type: "ApproveResize";
      data: {
        approvalId: string;
        approverId: string;
        jobId: string;
        deadline: string;
        timeoutSeconds: number;
      };
    }
  | { type: "RejectResize"; data: { approvalId: string; reason: string } }
  | { type: "WithdrawResize"; data: { approvalId: string } };

type Decision = Result<VmEvent[], DomainError>;

/**
 * Approving starts the resize at once (the approval and the action in one commit), as long as nothing
 * else runs on the VM; nobody approves their own resize. Deciding twice the same way is a repeat.
 */
export function decideResize(command: ResizeDecision, vm: ManagedVm): Decision {
  const { approvalId } = command.data;
  const { vmId } = vm;
  const pending = vm.pendingResize?.approvalId === approvalId ? vm.pendingResize : null;
  if (!pending) {
    const known = vm.actions.get(approvalId);
    const repeat =
      (command.type === "ApproveResize" &&
        known?.kind === "resize" &&
        known.status !== "rejected" &&
        known.status !== "awaiting-approval") ||
      (command.type !== "ApproveResize" && known?.status === "rejected");
    if (repeat) return ok([]);
    if (known) return err({ code: "REQUEST_ALREADY_PROCESSED", requestId: vmId, status: "READY" });
    return err({ code: "APPROVAL_NOT_FOUND", vmId, approvalId });
  }
  switch (command.type) {
    case "ApproveResize": {
      const { approverId, jobId, deadline, timeoutSeconds } = command.data;
      if (approverId === pending.requestedBy.id)
        return err({ code: "SELF_APPROVAL_FORBIDDEN", requestId: vmId });
      const shortOfLast = approvalShortOfLast(vm, { approvalId, approverId, subject: "resize" });
      if (!shortOfLast.ok) return shortOfLast;
      if (shortOfLast.value) return ok(shortOfLast.value);
      if (vm.status !== "READY")
        return err({
          code: "ACTION_NOT_APPLICABLE",
          vmId,
          kind: "resize",
          why: "the VM no longer exists in vCenter",
          status: vm.status,
        });
      if (vm.running) {
        const { running } = vm;
        return err({
          code: "VM_BUSY",
          vmId,
          running: running.action.kind,
          actionId: running.actionId,
          since: running.requestedAt,
        });
      }
      const { from, to, powerCycle } = pending;
      const action = { kind: "resize" as const, from, to, powerCycle, timeoutSeconds, approvalId };
      return ok([
        { type: "VmResizeApproved", data: { vmId, approvalId, actionId: approvalId } },
        actionRequested(vm, { actionId: approvalId, jobId, reason: pending.reason, deadline, action }),
      ]);
    }
    case "RejectResize":
      return ok([
        {
          type: "VmResizeRejected",
          data: { vmId, approvalId, reason: command.data.reason, withdrawn: false },
        },
      ]);
    case "WithdrawResize":
      return ok([{ type: "VmResizeRejected", data: { vmId, approvalId, reason: null, withdrawn: true } }]);
  }
}
