import { z } from "zod";
import { ProvisioningFailure } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import { VmLeaseStarted } from "./vm-lease.ts";
import { VmLifecycleEvent } from "./vm-lifecycle.ts";

// events of the Vm stream: one per provisioning stage transition, never percentages

export const VmProvisioningStarted = z.object({
  type: z.literal("VmProvisioningStarted"),
  data: z.object({
    vmId: z.string().min(1),
    requestId: z.string().min(1),
    jobId: z.string().min(1),
    /**
     * the first stage, reached as the run started: the same instant, so one event (a log entry costs two
     * written rows). Absent when the run ended before any stage, and in logs from before, which hold a
     * VmProvisioningStageReached right after.
     */
    stage: ProvisioningStage.optional(),
  }),
});

export const StageDuration = z.object({
  stage: ProvisioningStage,
  durationMs: z.number().int().nonnegative(),
});
export type StageDuration = z.infer<typeof StageDuration>;

export const VmProvisioningStageReached = z.object({
  type: z.literal("VmProvisioningStageReached"),
  data: z.object({
    vmId: z.string().min(1),
    stage: ProvisioningStage,
    /** the stage this one ended, and how long it took; null for the first stage */
    previous: StageDuration.nullable(),
  }),
});

/**
 * A stage reached after the first, as the outcome carries it: what a VmProvisioningStageReached said, and
 * when (the hub's time of receipt). The site's hub holds these while the job runs (its live record, no
 * D1 write per stage); the outcome event takes them into the log (a log entry costs two written rows).
 */
export const ReachedStage = z.object({
  stage: ProvisioningStage,
  at: z.string().datetime(),
  previous: StageDuration.nullable(),
});
export type ReachedStage = z.infer<typeof ReachedStage>;

/**
 * The stages after the first, on VmProvisioned and VmProvisioningFailed. Absent in logs from before,
 * which hold a VmProvisioningStageReached per stage ahead of the outcome; absent or short also when the
 * hub's live record was lost (the stages it held are then simply not in the log).
 */
const CarriedStages = z.array(ReachedStage).max(20).optional();

/**
 * The lease a VM starts with when it becomes READY, carried by VmProvisioned: the same instant, so one event
 * (a log entry costs two written rows). Logs from before carry it as a VmLeaseStarted right after.
 */
export const VmLeaseStart = VmLeaseStarted.shape.data.omit({ vmId: true });
export type VmLeaseStart = z.infer<typeof VmLeaseStart>;

export const VmProvisioned = z.object({
  type: z.literal("VmProvisioned"),
  data: z.object({
    vmId: z.string().min(1),
    vmwareId: z.string().min(1),
    vmName: z.string(),
    hostname: z.string(),
    ipAddress: z.string().nullable(),
    warning: z.string().nullable(),
    /** every completed stage's duration, for the ETA statistics */
    stageDurations: z.array(StageDuration),
    /** the lease that starts now; absent in logs from before it moved here (and before leases) */
    lease: VmLeaseStart.optional(),
    /** the stages reached after the first, oldest first */
    stages: CarriedStages,
  }),
});

/**
 * The lease start a VmProvisioned carries, as the VmLeaseStarted it stands for: what folds, projects and
 * renders a lease's start reads it through this, whichever of the two events a log holds.
 */
export function leaseStartOf(event: { type: string }): z.infer<typeof VmLeaseStarted> | null {
  if (!isProvisioned(event) || !event.data.lease) return null;
  return { type: "VmLeaseStarted", data: { ...event.data.lease, vmId: event.data.vmId } };
}

/**
 * The first stage a VmProvisioningStarted carries, as the VmProvisioningStageReached it stands for: what
 * folds and renders stages reads it through this, whichever form a log holds.
 */
export function firstStageOf(event: { type: string }): z.infer<typeof VmProvisioningStageReached> | null {
  if (!isStarted(event) || !event.data.stage) return null;
  return {
    type: "VmProvisioningStageReached",
    data: { vmId: event.data.vmId, stage: event.data.stage, previous: null },
  };
}

/** Every event another one carries, in the order older logs hold them right after it. */
export const carriedBy = (event: { type: string }): VmEvent[] =>
  [firstStageOf(event), leaseStartOf(event)].filter((e): e is NonNullable<typeof e> => e !== null);

/** A stage an outcome carries, as the VmProvisioningStageReached it stands for, with its own time. */
export interface CarriedStage {
  event: z.infer<typeof VmProvisioningStageReached>;
  at: string;
}

/**
 * The stages after the first that VmProvisioned or VmProvisioningFailed carries, in the order older logs
 * hold them right before it: what folds and renders stages reads them through this, whichever form a
 * log holds.
 */
export function stagesCarriedBy(event: { type: string }): CarriedStage[] {
  if (!isProvisioned(event) && !isFailed(event)) return [];
  const { vmId, stages = [] } = event.data;
  return stages.map(({ stage, at, previous }) => ({
    event: { type: "VmProvisioningStageReached", data: { vmId, stage, previous } },
    at,
  }));
}

const isStarted = <T extends { type: string }>(
  event: T,
): event is T & z.infer<typeof VmProvisioningStarted> => event.type === "VmProvisioningStarted";

const isProvisioned = <T extends { type: string }>(event: T): event is T & z.infer<typeof VmProvisioned> =>
  event.type === "VmProvisioned";

const isFailed = <T extends { type: string }>(event: T): event is T & z.infer<typeof VmProvisioningFailed> =>
  event.type === "VmProvisioningFailed";

export const VmProvisioningFailed = z.object({
  type: z.literal("VmProvisioningFailed"),
  data: z.object({
    vmId: z.string().min(1),
    /** the stage the run was in when it failed; null if it failed before the first stage */
    stage: ProvisioningStage.nullable(),
    failure: ProvisioningFailure,
    /** the stages reached after the first, oldest first */
    stages: CarriedStages,
  }),
});

/**
 * An admin says the half-built VM a failed cleanup left in vCenter is gone (removed by hand): the
 * "needs attention" list drops it. Only after a failure with `cleanupFailed`.
 */
export const VmLeftoverCleared = z.object({
  type: z.literal("VmLeftoverCleared"),
  data: z.object({
    vmId: z.string().min(1),
    requestId: z.string().min(1),
    note: z.string().max(500).nullable(),
  }),
});

/**
 * The VM's address as vCenter reported it later, when someone refreshed its status: an address that
 * arrived after provisioning's network wait ended (the VM was ready without one), or a changed one.
 */
export const VmAddressObserved = z.object({
  type: z.literal("VmAddressObserved"),
  data: z.object({
    vmId: z.string().min(1),
    requestId: z.string().min(1),
    ipAddress: z.string().min(1).max(100),
    hostname: z.string().max(255).nullable(),
  }),
});

export const VmEvent = z.discriminatedUnion("type", [
  VmProvisioningStarted,
  VmProvisioningStageReached,
  VmProvisioned,
  VmProvisioningFailed,
  VmLeftoverCleared,
  ...VmLifecycleEvent.options,
  VmAddressObserved,
]);
export type VmEvent = z.infer<typeof VmEvent>;
