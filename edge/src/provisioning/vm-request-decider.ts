import type { PendingDeadline } from "@gantry/shared/domain/approval-policy";
import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmSize, VmSpec } from "@gantry/shared/domain/vm-size";
import type { Requester, VmRequestEvent } from "@gantry/shared/events/vm-request";
import { err, ok, type Result } from "@gantry/shared/result";
import type { VmRequestState } from "./vm-request.ts";

/** Commands of the VmRequest aggregate; inputs are already validated at the API boundary. */
export type VmRequestCommand =
  | {
      type: "SubmitRequest";
      data: {
        requestId: string;
        requester: Requester;
        projectId: string;
        name: string;
        size: VmSize;
        /** what the size gives, resolved through the tenant's catalogue at submission */
        spec: VmSpec;
        justification: string;
        networkPath: string | null;
      };
    }
  | {
      type: "ApproveRequest";
      data: {
        requestId: string;
        /** a person's id, or null when the approval policy approves (`rule` says which rule and why) */
        approverId: string | null;
        jobId: string;
        rule?: { ruleId: string; explanation: string };
      };
    }
  | {
      type: "ApplyApprovalPolicy";
      data: {
        requestId: string;
        ruleId: string;
        approvalsRequired: 0 | 1 | 2;
        pendingDeadline: PendingDeadline | null;
        rejectAt: string | null;
        explanation: string;
      };
    }
  | { type: "RejectRequest"; data: { requestId: string; rejecterId: string; reason: string } }
  | { type: "CancelRequest"; data: { requestId: string; cancellerId: string; reason: string | null } }
  | { type: "StopProvisioning"; data: { requestId: string; reason: string } };

type Decision = Result<VmRequestEvent[], DomainError>;

const notFound = (requestId: string): Decision => err({ code: "REQUEST_NOT_FOUND", requestId });

type ExistingState = Exclude<VmRequestState, { status: "NONE" }>;

/**
 * An approval of a pending request. The policy approves only a request its rule said it approves; a
 * person never their own request, and never twice; a rule asking for two approvals records the first
 * (who) and approves on the second by someone else. A request the policy could not approve (a refusal
 * further on) waits for one person, like a request no rule matched.
 */
function decideApproval(
  data: Extract<VmRequestCommand, { type: "ApproveRequest" }>["data"],
  state: ExistingState,
): Decision {
  const { requestId, approverId, jobId, rule } = data;
  if (approverId === null) {
    if (!rule || state.approvalsRequired !== 0)
      return err({
        code: "INVALID_TRANSITION",
        streamId: requestId,
        from: state.status,
        attempted: "PolicyApproval",
      });
    return ok([
      {
        type: "VmRequestApproved",
        data: { requestId, jobId, policyRuleId: rule.ruleId, explanation: rule.explanation },
      },
    ]);
  }
  if (approverId === state.requester.id) return err({ code: "SELF_APPROVAL_FORBIDDEN", requestId });
  if (state.approvedBy.includes(approverId)) return err({ code: "APPROVAL_ALREADY_GIVEN", requestId });
  const required = Math.max(1, state.approvalsRequired);
  const given = state.approvedBy.length + 1;
  if (given < required)
    return ok([{ type: "VmRequestApprovalGiven", data: { requestId, approverId, given, required } }]);
  return ok([{ type: "VmRequestApproved", data: { requestId, jobId } }]);
}

/**
 * Decides what a command means for a request: the events to append, none (an idempotent repeat),
 * or why it is refused. Pure: no clock, no ids, no I/O.
 */
export function decideVmRequest(command: VmRequestCommand, state: VmRequestState): Decision {
  const { requestId } = command.data;
  if (command.type === "SubmitRequest") {
    if (state.status !== "NONE") return err({ code: "REQUEST_ALREADY_EXISTS", requestId });
    return ok([{ type: "VmRequestSubmitted", data: command.data }]);
  }
  if (state.status === "NONE") return notFound(requestId);
  const { status } = state;

  switch (command.type) {
    case "ApplyApprovalPolicy":
      if (status !== "PENDING") return err({ code: "REQUEST_ALREADY_PROCESSED", requestId, status });
      return ok([{ type: "VmRequestPolicyApplied", data: command.data }]);
    case "ApproveRequest":
      if (status !== "PENDING") return err({ code: "REQUEST_ALREADY_PROCESSED", requestId, status });
      return decideApproval(command.data, state);
    case "RejectRequest": {
      if (status !== "PENDING") return err({ code: "REQUEST_ALREADY_PROCESSED", requestId, status });
      // separation of duties: nobody approves or rejects what they asked for themselves
      if (command.data.rejecterId === state.requester.id)
        return err({ code: "SELF_APPROVAL_FORBIDDEN", requestId });
      return ok([{ type: "VmRequestRejected", data: { requestId, reason: command.data.reason } }]);
    }
    case "CancelRequest":
      if (command.data.cancellerId !== state.requester.id) return err({ code: "NOT_REQUESTER", requestId });
      if (status === "CANCELLED") return ok([]);
      if (status !== "PENDING") return err({ code: "REQUEST_NOT_CANCELLABLE", requestId, status });
      return ok([{ type: "VmRequestCancelled", data: { requestId, reason: command.data.reason } }]);
    case "StopProvisioning":
      // asking twice changes nothing, even once the stop has ended the request
      if (state.stopRequested) return ok([]);
      if (status !== "APPROVED" && status !== "PROVISIONING")
        return err({ code: "REQUEST_NOT_STOPPABLE", requestId, status });
      return ok([{ type: "VmRequestStopRequested", data: { requestId, reason: command.data.reason } }]);
  }
}
