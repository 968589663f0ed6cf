import { z } from "zod";
import { VmActionKind, VmPowerState } from "../domain/vm-actions.ts";
import { DriftChange, VmFacts } from "../domain/vm-facts.ts";
import { VmSize, VmSpec } from "../domain/vm-size.ts";
import { SnapshotInfo, StepDetail, VmActionFailure, VmActionStep } from "../jobs/vm-action-job.ts";
import { VmApprovalEvent } from "./vm-approval.ts";
import { VmLeaseEvent } from "./vm-lease.ts";

// Events of the Vm stream after READY: every command on the VM (with who and why in the metadata), the
// steps and outcome its job reported, resize approvals, and what vCenter showed behind Gantry's back.

const SizeAndSpec = z.object({ size: VmSize, spec: VmSpec });

/** A command's parameters, as the owner or admin gave them (times and ids are the edge's). */
export const VmAction = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("power-on") }),
  z.object({ kind: z.literal("power-off") }),
  z.object({ kind: z.literal("shutdown-guest"), timeoutSeconds: z.number().int().min(1) }),
  z.object({ kind: z.literal("restart"), timeoutSeconds: z.number().int().min(1) }),
  z.object({ kind: z.literal("delete") }),
  z.object({
    kind: z.literal("resize"),
    from: SizeAndSpec,
    to: SizeAndSpec,
    powerCycle: z.boolean(),
    timeoutSeconds: z.number().int().min(1),
    /** the approval it carries out; null for a resize down or sideways, which needs none */
    approvalId: z.string().min(1).nullable(),
  }),
  z.object({ kind: z.literal("snapshot-create"), name: z.string().max(200), withMemory: z.boolean() }),
  z.object({ kind: z.literal("snapshot-revert"), snapshotId: z.string(), snapshotName: z.string() }),
  z.object({ kind: z.literal("snapshot-delete"), snapshotId: z.string(), snapshotName: z.string() }),
]);
export type VmAction = z.infer<typeof VmAction>;

const Base = { vmId: z.string().min(1), actionId: z.string().min(1) };
/** repeated on the outcome so a projection or a reader of one event needs no other */
const Kind = { kind: VmActionKind };
const Reason = z.string().max(500).nullable();

/** Someone asked for an action; its job (`jobId`) goes to the site's agents in the same commit. */
export const VmActionRequested = z.object({
  type: z.literal("VmActionRequested"),
  data: z.object({
    ...Base,
    jobId: z.string().min(1),
    action: VmAction,
    reason: Reason,
    /** when the edge gives up on the job (TIMED_OUT) */
    deadline: z.string().datetime(),
    /** the power state the edge knew when the command was given */
    powerStateBefore: VmPowerState,
  }),
});

/** The agent reached a step of the action ("shutting down the guest…", "falling back to power off"). */
export const VmActionStepReached = z.object({
  type: z.literal("VmActionStepReached"),
  data: z.object({ ...Base, step: VmActionStep, detail: StepDetail.default({}) }),
});

export const VmActionSucceeded = z.object({
  type: z.literal("VmActionSucceeded"),
  data: z.object({
    ...Base,
    ...Kind,
    /** the VM as vCenter shows it after the action; null when it no longer exists (deleted) */
    facts: VmFacts.nullable(),
    /** resize: the catalogue size it has now */
    size: VmSize.nullable().default(null),
    snapshot: SnapshotInfo.nullable(),
    note: z.string().max(500).nullable(),
  }),
});

export const VmActionFailed = z.object({
  type: z.literal("VmActionFailed"),
  data: z.object({ ...Base, ...Kind, failure: VmActionFailure }),
});

/** A resize up waits for an admin's approval, like a request. */
export const VmResizeRequested = z.object({
  type: z.literal("VmResizeRequested"),
  data: z.object({
    vmId: z.string().min(1),
    approvalId: z.string().min(1),
    from: SizeAndSpec,
    to: SizeAndSpec,
    powerCycle: z.boolean(),
    reason: Reason,
  }),
});

/** An admin approved; the resize itself follows as VmActionRequested in the same commit. */
export const VmResizeApproved = z.object({
  type: z.literal("VmResizeApproved"),
  data: z.object({ vmId: z.string().min(1), approvalId: z.string().min(1), actionId: z.string().min(1) }),
});

/** An admin rejected it (reason required), or its requester withdrew it (reason optional). */
export const VmResizeRejected = z.object({
  type: z.literal("VmResizeRejected"),
  data: z.object({
    vmId: z.string().min(1),
    approvalId: z.string().min(1),
    reason: Reason,
    withdrawn: z.boolean(),
  }),
});

/** vCenter shows the VM otherwise than Gantry left it: changed outside Gantry. */
export const VmDriftObserved = z.object({
  type: z.literal("VmDriftObserved"),
  data: z.object({
    vmId: z.string().min(1),
    changes: z.array(DriftChange).min(1).max(10),
    observed: VmFacts,
  }),
});

/** The VM was destroyed in vCenter behind Gantry's back. */
export const VmGone = z.object({
  type: z.literal("VmGone"),
  data: z.object({ vmId: z.string().min(1), vmwareId: z.string().min(1) }),
});

/**
 * A VM that was missing (gone) is back in vCenter, as the reconciliation scan found it: no longer missing.
 * `lease` is what its lease asks of the scheduler again (missing, nothing was due): the next check (a
 * warning, the expiry, the end of grace; null when nothing is due) and the destruction in grace. Absent on
 * events recorded before it was kept, and for VMs without a lease.
 */
export const VmReappeared = z.object({
  type: z.literal("VmReappeared"),
  data: z.object({
    vmId: z.string().min(1),
    vmwareId: z.string().min(1),
    observed: VmFacts,
    lease: z
      .object({ nextCheckAt: z.string().datetime().nullable(), destroyAt: z.string().datetime().nullable() })
      .optional(),
  }),
});

export const VmLifecycleEvent = z.discriminatedUnion("type", [
  VmActionRequested,
  VmActionStepReached,
  VmActionSucceeded,
  VmActionFailed,
  VmResizeRequested,
  VmResizeApproved,
  VmResizeRejected,
  VmDriftObserved,
  VmGone,
  VmReappeared,
  ...VmLeaseEvent.options,
  ...VmApprovalEvent.options,
]);
export type VmLifecycleEvent = z.infer<typeof VmLifecycleEvent>;
