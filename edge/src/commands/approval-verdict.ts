import type { ApprovalVerdict } from "@gantry/shared/domain/approval-policy";
import { type ApprovalCase, evaluateApprovalPolicy } from "../provisioning/evaluate-approval-policy.ts";
import type { VmRequestCommand } from "../provisioning/vm-request-decider.ts";
import { effectiveApprovalPolicy } from "../tenancy/approval-policies.ts";
import type { CommandDeps } from "./command-deps.ts";

/** What the project's approval policy decides for a case, with the instant its deadline falls. */
export async function approvalVerdictFor(
  deps: CommandDeps,
  input: { tenantId: string; projectId: string; case: ApprovalCase },
): Promise<ApprovalVerdict> {
  const policy = await effectiveApprovalPolicy(deps.db, input);
  return evaluateApprovalPolicy(policy, input.case);
}

/** The command that records a matched rule on a new request; null when no rule matched (one approval). */
export function applyVerdictCommand(
  verdict: ApprovalVerdict,
  input: { requestId: string; now: Date },
): Extract<VmRequestCommand, { type: "ApplyApprovalPolicy" }> | null {
  if (verdict.ruleId === null) return null;
  const { pendingDeadline } = verdict;
  const rejectAt = pendingDeadline
    ? new Date(input.now.getTime() + pendingDeadline.afterSeconds * 1000).toISOString()
    : null;
  return {
    type: "ApplyApprovalPolicy",
    data: {
      requestId: input.requestId,
      ruleId: verdict.ruleId,
      approvalsRequired: verdict.approvalsRequired,
      pendingDeadline,
      rejectAt,
      explanation: verdict.explanation,
    },
  };
}
