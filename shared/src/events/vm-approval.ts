import { z } from "zod";
import { PendingDeadline } from "../domain/approval-policy.ts";

// A resize up or a lease extension past the lease policy waits for approval like a new VM's request, and
// the project's approval policy judges it the same way (issue 18): these record, on the VM's stream, the
// rule that asked for people (how many approvals, until when) and each approval short of the last.

const Subject = z.enum(["resize", "lease-extension"]);

/** The rule that matched a resize or extension waiting for approval; absent: one approval, no deadline. */
export const VmApprovalPolicyApplied = z.object({
  type: z.literal("VmApprovalPolicyApplied"),
  data: z.object({
    vmId: z.string().min(1),
    approvalId: z.string().min(1),
    subject: Subject,
    ruleId: z.string().min(1),
    approvalsRequired: z.union([z.literal(1), z.literal(2)]),
    pendingDeadline: PendingDeadline.nullable(),
    /** the instant the deadline falls, when there is one */
    rejectAt: z.string().datetime().nullable(),
    explanation: z.string().max(500),
  }),
});

/** One approval of several the policy needs for a resize or extension; the event's actor gave it. */
export const VmApprovalGiven = z.object({
  type: z.literal("VmApprovalGiven"),
  data: z.object({
    vmId: z.string().min(1),
    approvalId: z.string().min(1),
    subject: Subject,
    approverId: z.string().min(1),
    given: z.number().int().min(1),
    required: z.number().int().min(2),
  }),
});

export const VmApprovalEvent = z.discriminatedUnion("type", [VmApprovalPolicyApplied, VmApprovalGiven]);
export type VmApprovalEvent = z.infer<typeof VmApprovalEvent>;
