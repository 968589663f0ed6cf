import { z } from "zod";
import { LeasePolicy, type LeasePolicySource, MAX_LEASE_SECONDS } from "../domain/lease-policy.ts";
import { RejectReason } from "../domain/request-text.ts";
import { ActionReason } from "../domain/vm-actions.ts";
import type { ApprovalProgressView } from "./approval-policies.ts";
import { EntityId, IdempotencyKey, ProjectId } from "./ids.ts";
import { pageInput } from "./paging.ts";
import type { PersonRef } from "./requests.ts";

// -- policy (admins) ------------------------------------------------------------------------------

/** Sets the tenant's default (projectId null) or a project's own; policy null clears a project's own. */
export const SetLeasePolicyInput = z
  .object({ projectId: ProjectId.nullable(), policy: LeasePolicy.nullable() })
  .strict()
  .refine((i) => i.projectId !== null || i.policy !== null, {
    message: "the tenant's default can be changed, not cleared",
    path: ["policy"],
  });
export type SetLeasePolicyInput = z.input<typeof SetLeasePolicyInput>;

/** `leases.policies`: the tenant's default and every project with the policy its VMs get. */
export interface LeasePolicies {
  tenantDefault: { policy: LeasePolicy; source: "tenant" | "default" };
  projects: { projectId: string; projectName: string; policy: LeasePolicy; source: LeasePolicySource }[];
}

// -- extend, decide, rescue -----------------------------------------------------------------------

// blank says nothing: stored as no reason
const Reason = ActionReason.optional().transform((r) => (r ? r : null));

const Seconds = z.number().int().min(1).max(MAX_LEASE_SECONDS);

/** The owner extends the lease by `seconds`; beyond the policy it becomes an approval. Idempotent by key. */
export const ExtendLeaseInput = z
  .object({ vmId: EntityId, idempotencyKey: IdempotencyKey, seconds: Seconds, reason: Reason })
  .strict();
export type ExtendLeaseInput = z.input<typeof ExtendLeaseInput>;

export interface LeaseExtendAccepted {
  vmId: string;
  outcome: "extended" | "awaiting-approval";
  /** the approval an admin decides, when it waits for one */
  approvalId: string | null;
}

export const ApproveExtensionInput = z.object({ vmId: EntityId, approvalId: EntityId }).strict();
export type ApproveExtensionInput = z.input<typeof ApproveExtensionInput>;

export const RejectExtensionInput = z
  .object({ vmId: EntityId, approvalId: EntityId, reason: RejectReason })
  .strict();
export type RejectExtensionInput = z.input<typeof RejectExtensionInput>;

export const WithdrawExtensionInput = ApproveExtensionInput;
export type WithdrawExtensionInput = ApproveExtensionInput;

/** An admin saves a VM whose lease ran out: a new end `seconds` from now, or no enforcement for it. */
export const RescueLeaseInput = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("extend"),
      vmId: EntityId,
      idempotencyKey: IdempotencyKey,
      seconds: Seconds,
      reason: Reason,
    })
    .strict(),
  z
    .object({ mode: z.literal("exempt"), vmId: EntityId, idempotencyKey: IdempotencyKey, reason: Reason })
    .strict(),
]);
export type RescueLeaseInput = z.input<typeof RescueLeaseInput>;

export const PendingExtensionsInput = pageInput(25).strict().prefault({});
export type PendingExtensionsInput = z.input<typeof PendingExtensionsInput>;

/** `leases.pendingExtensions`: extensions past the policy waiting for an admin, oldest first. */
export interface PendingLeaseExtension {
  vmId: string;
  approvalId: string;
  name: string;
  vmName: string;
  projectId: string;
  projectName: string | null;
  owner: PersonRef;
  expiresAt: string | null;
  requestedExpiresAt: string;
  reason: string | null;
  requestedBy: { id: string; name: string | null };
  requestedAt: string;
  waitingMs: number;
  waitingLong: boolean;
  /** what the approval policy asks of it ("1 of 2 approvals"); null: one approval */
  approvals: ApprovalProgressView | null;
}
