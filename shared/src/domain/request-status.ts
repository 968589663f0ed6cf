import { z } from "zod";

/** Lifecycle of a VM request: PENDING → APPROVED | REJECTED | CANCELLED; APPROVED → PROVISIONING → READY | FAILED. */
export const VM_REQUEST_STATUSES = [
  "PENDING",
  "APPROVED",
  "REJECTED",
  "CANCELLED",
  "PROVISIONING",
  "READY",
  "FAILED",
] as const;
export const VmRequestStatus = z.enum(VM_REQUEST_STATUSES);
export type VmRequestStatus = z.infer<typeof VmRequestStatus>;

/**
 * Lifecycle of the VM itself: PROVISIONING → READY | FAILED; READY → DELETED (by Gantry) | GONE
 * (destroyed in vCenter behind Gantry's back); GONE → DELETED once someone removes it from the lists.
 */
export const VM_STATUSES = ["PROVISIONING", "READY", "FAILED", "DELETED", "GONE"] as const;
export const VmStatus = z.enum(VM_STATUSES);
export type VmStatus = z.infer<typeof VmStatus>;

export const isTerminalRequestStatus = (status: VmRequestStatus): boolean =>
  status === "REJECTED" || status === "CANCELLED" || status === "READY" || status === "FAILED";
