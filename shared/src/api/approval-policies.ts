import { z } from "zod";
import { ApprovalPolicy, ApprovalSubject, type ApprovalVerdict } from "../domain/approval-policy.ts";
import { VmSpec } from "../domain/vm-size.ts";
import { ProjectId } from "./ids.ts";

/** Sets the tenant's default (projectId null) or a project's own; policy null clears a project's own. */
export const SetApprovalPolicyInput = z
  .object({ projectId: ProjectId.nullable(), policy: ApprovalPolicy.nullable() })
  .strict()
  .refine((i) => i.projectId !== null || i.policy !== null, {
    message: "the tenant's default can be changed, not cleared",
    path: ["policy"],
  });
export type SetApprovalPolicyInput = z.input<typeof SetApprovalPolicyInput>;

export type ApprovalPolicySource = "project" | "tenant" | "none";

/** `approvalPolicies.list`: the tenant's default and each project's effective policy. */
export interface ApprovalPolicies {
  tenantDefault: ApprovalPolicy | null;
  projects: {
    projectId: string;
    projectName: string;
    policy: ApprovalPolicy | null;
    source: ApprovalPolicySource;
  }[];
}

/** The preview: what a policy (the one being edited, or the project's saved one) would decide. */
export const PreviewApprovalInput = z
  .object({
    policy: ApprovalPolicy,
    subject: ApprovalSubject.default("new-vm"),
    size: z.string().trim().min(1).max(40).nullable().default(null),
    spec: VmSpec,
  })
  .strict();
export type PreviewApprovalInput = z.input<typeof PreviewApprovalInput>;
export type ApprovalPreview = ApprovalVerdict;
/** The approval policy's rule for a request and the approvals given so far. */
export interface ApprovalProgressView {
  required: number;
  given: number;
  explanation: string;
  /** when a request still pending is rejected by the rule's deadline */
  rejectAt: string | null;
}
