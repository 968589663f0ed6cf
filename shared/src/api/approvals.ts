import { z } from "zod";
import { RejectReason } from "../domain/request-text.ts";
import type { VmSize, VmSpec } from "../domain/vm-size.ts";
import type { ApprovalProgressView } from "./approval-policies.ts";
import { EntityId, ProjectId, RequestId } from "./ids.ts";
import { pageInput } from "./paging.ts";
import type { PersonRef, RequestSummary } from "./requests.ts";

/** Requests waiting longer than this are flagged in the admin queue. */
export const WAITING_LONG_MS = 48 * 60 * 60 * 1000;

export const PendingQueueInput = pageInput()
  .extend({ projectId: ProjectId.optional() })
  .strict()
  .prefault({});
export type PendingQueueInput = z.input<typeof PendingQueueInput>;

/** The version the admin saw; a stale one is a CONFLICT. */
const ExpectedVersion = z.number().int().min(1);

export const ApproveInput = z.object({ requestId: RequestId, expectedVersion: ExpectedVersion }).strict();
export type ApproveInput = z.input<typeof ApproveInput>;

export const RejectInput = z
  .object({ requestId: RequestId, expectedVersion: ExpectedVersion, reason: RejectReason })
  .strict();
export type RejectInput = z.input<typeof RejectInput>;

/** Stop an approved or provisioning request; the reason is shown to the requester. */
export const StopProvisioningInput = z.object({ requestId: RequestId, reason: RejectReason }).strict();
export type StopProvisioningInput = z.input<typeof StopProvisioningInput>;

/** Where the stop stands: ended at once (never started), the agent is tearing down, or it had finished. */
export interface StopProvisioningResult {
  requestId: string;
  stop: "stopped" | "stopping" | "already-finished";
}

export interface PendingRequest extends RequestSummary {
  justification: string;
  waitingMs: number;
  waitingLong: boolean;
  /** what the approval policy asks for it ("1 of 2 approvals"); null: one approval, no rule matched */
  approvals?: ApprovalProgressView | null;
}

/** `approvals.resizes`: resizes up waiting for an admin, oldest first; like the request queue. */
export const PendingResizesInput = pageInput(25)
  .extend({ projectId: ProjectId.optional() })
  .strict()
  .prefault({});
export type PendingResizesInput = z.input<typeof PendingResizesInput>;

export interface PendingResize {
  vmId: string;
  approvalId: string;
  name: string;
  vmName: string;
  projectId: string;
  projectName: string | null;
  owner: PersonRef;
  from: { size: VmSize; spec: VmSpec };
  to: { size: VmSize; spec: VmSpec };
  powerCycle: boolean;
  reason: string | null;
  requestedBy: { id: string; name: string | null };
  requestedAt: string;
  waitingMs: number;
  waitingLong: boolean;
  /** what the approval policy asks of it ("1 of 2 approvals"); null: one approval */
  approvals: ApprovalProgressView | null;
}

/** Approving runs the resize at once; nobody approves their own resize. */
export const ApproveResizeInput = z.object({ vmId: EntityId, approvalId: EntityId }).strict();
export type ApproveResizeInput = z.input<typeof ApproveResizeInput>;

export const RejectResizeInput = z
  .object({ vmId: EntityId, approvalId: EntityId, reason: RejectReason })
  .strict();
export type RejectResizeInput = z.input<typeof RejectResizeInput>;
