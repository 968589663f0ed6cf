import { z } from "zod";
import { LeaseEnforcement, LeasePolicy } from "../domain/lease-policy.ts";

// The lease of a VM (issue 16), on the VM's own stream: it starts at READY with the policy of the VM's
// project as it was then (later policy edits apply to VMs that become READY after them), is extended by its
// owner (within the policy) or an admin (an approval, or a rescue), warns, expires and ends. The power-off
// at expiry and the destruction after grace are ordinary VM actions (VmActionRequested) in the same commit.

const VmId = z.string().min(1);
const At = z.string().datetime();
const Reason = z.string().max(500).nullable();
/**
 * when the lease next needs the scheduler after this event (the next warning, the expiry, the end of
 * grace); null when nothing more is due. Decided with the whole lease in view, so the read model that
 * the sweep reads (`vm_lease_next_at`) is this value and nothing else.
 */
const NextCheckAt = At.nullable();

export const VmLeaseStarted = z.object({
  type: z.literal("VmLeaseStarted"),
  data: z.object({ nextCheckAt: NextCheckAt, vmId: VmId, expiresAt: At, policy: LeasePolicy }),
});

/** The lease runs to `expiresAt` now: an owner's extension, an approved one (approvalId), or a rescue. */
export const VmLeaseExtended = z.object({
  type: z.literal("VmLeaseExtended"),
  data: z.object({
    nextCheckAt: NextCheckAt,
    vmId: VmId,
    extensionId: z.string().min(1),
    previousExpiresAt: At,
    expiresAt: At,
    approvalId: z.string().min(1).nullable(),
    reason: Reason,
  }),
});

/** An extension past the policy waits for an admin, like a request. */
export const VmLeaseExtensionRequested = z.object({
  type: z.literal("VmLeaseExtensionRequested"),
  data: z.object({ vmId: VmId, approvalId: z.string().min(1), expiresAt: At, reason: Reason }),
});

/** An admin rejected it (reason required), or its requester withdrew it. */
export const VmLeaseExtensionRejected = z.object({
  type: z.literal("VmLeaseExtensionRejected"),
  data: z.object({ vmId: VmId, approvalId: z.string().min(1), reason: Reason, withdrawn: z.boolean() }),
});

/** The owner was told the lease ends soon (`secondsBefore` is the warning's offset from the policy). */
export const VmLeaseWarned = z.object({
  type: z.literal("VmLeaseWarned"),
  data: z.object({
    nextCheckAt: NextCheckAt,
    vmId: VmId,
    expiresAt: At,
    secondsBefore: z.number().int().min(1),
  }),
});

/** The lease ran out: hard enforcement powers the VM off now and destroys it at `destroyAt`; soft only says so. */
export const VmLeaseExpired = z.object({
  type: z.literal("VmLeaseExpired"),
  data: z.object({
    nextCheckAt: NextCheckAt,
    vmId: VmId,
    expiresAt: At,
    enforcement: LeaseEnforcement,
    destroyAt: At.nullable(),
  }),
});

/** The grace period ended without an extension or rescue: the VM's deletion follows in the same commit. */
export const VmLeaseEnded = z.object({
  type: z.literal("VmLeaseEnded"),
  data: z.object({ nextCheckAt: NextCheckAt, vmId: VmId, expiresAt: At }),
});

/** An admin took the VM out of enforcement: it keeps running, with notices only. */
export const VmLeaseExempted = z.object({
  type: z.literal("VmLeaseExempted"),
  data: z.object({ nextCheckAt: NextCheckAt, vmId: VmId, reason: Reason }),
});

export const VmLeaseEvent = z.discriminatedUnion("type", [
  VmLeaseStarted,
  VmLeaseExtended,
  VmLeaseExtensionRequested,
  VmLeaseExtensionRejected,
  VmLeaseWarned,
  VmLeaseExpired,
  VmLeaseEnded,
  VmLeaseExempted,
]);
export type VmLeaseEvent = z.infer<typeof VmLeaseEvent>;

const LEASE_TYPES = new Set<string>(VmLeaseEvent.options.map((o) => o.shape.type.value));
/** A lease event among any others (of the VM's stream, or the whole catalogue). */
export const isVmLeaseEvent = <T extends { type: string }>(event: T): event is T & VmLeaseEvent =>
  LEASE_TYPES.has(event.type);
