import { z } from "zod";

// Approval policies (issue 18): per project (or the tenant's default), an ordered list of rules over a
// request's resources (the spec snapshotted at submission, never the size code's catalogue entry) and its
// kind. The first rule that matches decides; no rule matching keeps one person's approval. Durations are
// seconds so tests run on a compressed clock. The CHECKs on `approval_policies` (migration 0033) hold the
// same limits on the stored JSON.

/** What an approval is asked for: a new VM, a resize up of a VM, or a lease extension past the policy. */
export const APPROVAL_SUBJECTS = ["new-vm", "resize", "lease-extension"] as const;
export const ApprovalSubject = z.enum(APPROVAL_SUBJECTS);
export type ApprovalSubject = z.infer<typeof ApprovalSubject>;

export const MAX_APPROVAL_RULES = 20;
/** the longest a request may be left pending by a rule's deadline: one year */
export const MAX_PENDING_SECONDS = 365 * 86_400;

const Limit = z.number().int().min(1).max(1_000_000);

export const ApprovalConditions = z.object({
  /** matches when the request's vCPU count is at most this */
  maxCpu: Limit.optional(),
  maxMemoryGb: Limit.optional(),
  maxDiskGb: Limit.optional(),
  /** matches only these size codes (catalogue codes, compared as strings) */
  sizes: z.array(z.string().trim().min(1).max(40)).min(1).max(20).optional(),
  /** matches only these kinds of request; absent: every kind */
  subjects: z.array(ApprovalSubject).min(1).max(3).optional(),
});
export type ApprovalConditions = z.infer<typeof ApprovalConditions>;

export const ApprovalOutcome = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("auto-approve") }),
  z.object({ kind: z.literal("require-approvals"), count: z.union([z.literal(1), z.literal(2)]) }),
]);
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

export const PendingDeadline = z.object({
  /** a request pending longer than this is rejected */
  afterSeconds: z.number().int().min(1).max(MAX_PENDING_SECONDS),
  /** the rejection's reason, as the requester reads it */
  reason: z.string().trim().min(3).max(300),
});
export type PendingDeadline = z.infer<typeof PendingDeadline>;

export const ApprovalRule = z.object({
  /** stable within the policy: the audit trail names the rule that decided */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "use 1–40 lower-case letters, digits or dashes"),
  when: ApprovalConditions,
  outcome: ApprovalOutcome,
  /** only for a rule that waits for people; an automatic approval never pends */
  pendingDeadline: PendingDeadline.nullable(),
});
export type ApprovalRule = z.infer<typeof ApprovalRule>;

export const ApprovalPolicy = z
  .object({ rules: z.array(ApprovalRule).max(MAX_APPROVAL_RULES) })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: "another rule has this id" });
      seen.add(rule.id);
      if (rule.outcome.kind === "auto-approve" && rule.pendingDeadline !== null)
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "pendingDeadline"],
          message: "an automatic approval never waits, so it has no deadline",
        });
    });
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** What a policy decides about one request: which rule (null: none matched, today's one approval). */
export interface ApprovalVerdict {
  ruleId: string | null;
  /** 0: approved automatically */
  approvalsRequired: 0 | 1 | 2;
  pendingDeadline: PendingDeadline | null;
  /** one sentence for the timeline, the audit trail and the preview */
  explanation: string;
}
