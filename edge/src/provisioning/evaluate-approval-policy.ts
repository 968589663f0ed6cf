import type {
  ApprovalPolicy,
  ApprovalRule,
  ApprovalSubject,
  ApprovalVerdict,
} from "@gantry/shared/domain/approval-policy";
import type { VmSpec } from "@gantry/shared/domain/vm-size";

/** What a policy is asked about: the kind of approval and the resources it would grant. */
export interface ApprovalCase {
  subject: ApprovalSubject;
  /** the request's snapshotted spec, or a resize's target */
  spec: VmSpec;
  /** the size code when the request names one (a lease extension or a custom resize names none) */
  size: string | null;
}

const SUBJECT_WORDS: Readonly<Record<ApprovalSubject, string>> = {
  "new-vm": "a new VM",
  resize: "a resize",
  "lease-extension": "a lease extension",
};

const matches = (rule: ApprovalRule, c: ApprovalCase): boolean => {
  const { maxCpu, maxMemoryGb, maxDiskGb, sizes, subjects } = rule.when;
  if (subjects && !subjects.includes(c.subject)) return false;
  if (maxCpu !== undefined && c.spec.cpu > maxCpu) return false;
  if (maxMemoryGb !== undefined && c.spec.memoryGb > maxMemoryGb) return false;
  if (maxDiskGb !== undefined && c.spec.diskGb > maxDiskGb) return false;
  if (sizes && (c.size === null || !sizes.includes(c.size))) return false;
  return true;
};

/** The rule's conditions in words: "size ≤ 4 vCPU / 8 GB, size S or M". */
export function describeConditions(rule: ApprovalRule): string {
  const { maxCpu, maxMemoryGb, maxDiskGb, sizes, subjects } = rule.when;
  const limits = [
    maxCpu === undefined ? null : `${maxCpu} vCPU`,
    maxMemoryGb === undefined ? null : `${maxMemoryGb} GB`,
    maxDiskGb === undefined ? null : `${maxDiskGb} GB disk`,
  ].filter((p) => p !== null);
  const parts = [
    limits.length > 0 ? `size ≤ ${limits.join(" / ")}` : null,
    sizes ? `size ${sizes.join(" or ")}` : null,
    subjects ? `for ${subjects.map((s) => SUBJECT_WORDS[s]).join(" or ")}` : null,
  ].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(", ") : "every request";
}

/**
 * The first rule of the policy that matches decides; none matching (or no policy) keeps one person's
 * approval. Pure: the same policy and case always give the same verdict, so the preview shows exactly
 * what a submission will get.
 */
export function evaluateApprovalPolicy(policy: ApprovalPolicy | null, c: ApprovalCase): ApprovalVerdict {
  const index = policy ? policy.rules.findIndex((rule) => matches(rule, c)) : -1;
  const rule = policy && index >= 0 ? policy.rules[index] : undefined;
  if (!rule)
    return {
      ruleId: null,
      approvalsRequired: 1,
      pendingDeadline: null,
      explanation: "needs 1 approval: no rule of the approval policy matches",
    };
  const because = `rule ${index + 1} (${rule.id}): ${describeConditions(rule)}`;
  if (rule.outcome.kind === "auto-approve")
    return {
      ruleId: rule.id,
      approvalsRequired: 0,
      pendingDeadline: null,
      explanation: `auto-approved because ${because}`,
    };
  const count = rule.outcome.count;
  const deadline = rule.pendingDeadline
    ? `; rejected if pending more than ${rule.pendingDeadline.afterSeconds} s`
    : "";
  return {
    ruleId: rule.id,
    approvalsRequired: count,
    pendingDeadline: rule.pendingDeadline,
    explanation: `needs ${count} approval${count === 1 ? "" : "s"} because ${because}${deadline}`,
  };
}
