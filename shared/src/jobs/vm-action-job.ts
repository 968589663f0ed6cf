import { z } from "zod";
import { GUEST_TIMEOUT_MAX_S, GUEST_TIMEOUT_MIN_S, VmPowerState } from "../domain/vm-actions.ts";
import { VmFacts } from "../domain/vm-facts.ts";

// Jobs that act on a VM after READY: one job kind per action, so an agent names in its hello exactly
// the actions it can run and the hub offers it nothing else (an older agent never sees these kinds).

const JobBase = z.object({
  jobId: z.string().min(1).max(100),
  /** the request that built the VM; its id is the VM's id and the value of the VM's marker */
  requestId: z.string().min(1).max(100),
  /** the VM's managed object id in vCenter, e.g. `vm-123` */
  vmwareId: z.string().min(1).max(200),
  /** the VM's name in vCenter when the job was made (for logs and messages) */
  vmName: z.string().min(1).max(200),
  /** the agent gives up at this time (TIMED_OUT); the edge records the same outcome if no agent reports */
  deadline: z.string().datetime(),
});

const GuestTimeout = z.number().int().min(GUEST_TIMEOUT_MIN_S).max(GUEST_TIMEOUT_MAX_S);

export const VmPowerOnJob = JobBase.extend({ kind: z.literal("vm.power-on") });
export const VmPowerOffJob = JobBase.extend({ kind: z.literal("vm.power-off") });
/** ShutdownGuest through VMware Tools; PowerOffVM_Task when the guest has not stopped after the timeout. */
export const VmShutdownGuestJob = JobBase.extend({
  kind: z.literal("vm.shutdown-guest"),
  timeoutSeconds: GuestTimeout,
});
/** RebootGuest; ResetVM_Task when the guest has not started rebooting after the timeout. */
export const VmRestartJob = JobBase.extend({ kind: z.literal("vm.restart"), timeoutSeconds: GuestTimeout });
/** Power off, re-read the marker, destroy: only a VM whose marker names this job's request. */
export const VmDeleteJob = JobBase.extend({ kind: z.literal("vm.delete") });
/**
 * Power off and destroy a marker VM no Gantry VM owns (reconciliation): `requestId` is the destruction's id,
 * and the VM is touched only while it carries `marker` (re-read right before the destroy, MARKER_MISMATCH
 * otherwise).
 */
export const VmDestroyUnownedJob = JobBase.extend({
  kind: z.literal("vm.destroy-unowned"),
  marker: z.string().min(1).max(100),
});
/**
 * Adopt a marker VM no Gantry VM owns into a project (reconciliation): `requestId` is the adopted VM's new id,
 * and the agent rewrites the VM's marker from `marker` (the value the scan saw) to it — compare-and-set: a VM
 * carrying anything else is left untouched (MARKER_MISMATCH); one already carrying the new id is done.
 */
export const VmAdoptJob = JobBase.extend({
  kind: z.literal("vm.adopt"),
  marker: z.string().min(1).max(100),
});
export const VmResizeJob = JobBase.extend({
  kind: z.literal("vm.resize"),
  cpu: z.number().int().min(1).max(128),
  memoryMb: z.number().int().min(256).max(1_048_576),
  diskGb: z.number().int().min(1).max(65_536),
  /** the owner agreed to a power cycle when hot-add cannot apply the change to the running VM */
  powerCycle: z.boolean(),
  /** as the edge knew it when the command was given: a resumed run restores this state */
  powerStateBefore: VmPowerState,
  timeoutSeconds: GuestTimeout,
});
export const VmSnapshotCreateJob = JobBase.extend({
  kind: z.literal("vm.snapshot-create"),
  name: z.string().min(1).max(80),
  withMemory: z.boolean(),
});
export const VmSnapshotRevertJob = JobBase.extend({
  kind: z.literal("vm.snapshot-revert"),
  snapshotId: z.string().min(1).max(200),
});
export const VmSnapshotDeleteJob = JobBase.extend({
  kind: z.literal("vm.snapshot-delete"),
  snapshotId: z.string().min(1).max(200),
});

export type VmPowerOnJob = z.infer<typeof VmPowerOnJob>;
export type VmPowerOffJob = z.infer<typeof VmPowerOffJob>;
export type VmShutdownGuestJob = z.infer<typeof VmShutdownGuestJob>;
export type VmRestartJob = z.infer<typeof VmRestartJob>;
export type VmDeleteJob = z.infer<typeof VmDeleteJob>;
export type VmDestroyUnownedJob = z.infer<typeof VmDestroyUnownedJob>;
export type VmAdoptJob = z.infer<typeof VmAdoptJob>;
export type VmResizeJob = z.infer<typeof VmResizeJob>;
export type VmSnapshotCreateJob = z.infer<typeof VmSnapshotCreateJob>;
export type VmSnapshotRevertJob = z.infer<typeof VmSnapshotRevertJob>;
export type VmSnapshotDeleteJob = z.infer<typeof VmSnapshotDeleteJob>;
export const VmActionJob = z.discriminatedUnion("kind", [
  VmPowerOnJob,
  VmPowerOffJob,
  VmShutdownGuestJob,
  VmRestartJob,
  VmDeleteJob,
  VmDestroyUnownedJob,
  VmAdoptJob,
  VmResizeJob,
  VmSnapshotCreateJob,
  VmSnapshotRevertJob,
  VmSnapshotDeleteJob,
]);
export type VmActionJob = z.infer<typeof VmActionJob>;
export type VmActionJobKind = VmActionJob["kind"];

/** The marker value a job may touch a VM under: its own for reconciliation's jobs, the VM's request's otherwise. */
export const expectedMarkerOf = (job: VmActionJob): string => ("marker" in job ? job.marker : job.requestId);
export const VM_ACTION_JOB_KINDS: readonly VmActionJobKind[] = VmActionJob.options.map(
  (o) => o.shape.kind.value,
);

/** Steps an action reports as it goes; durable, so every open page and the history show them. */
export const VM_ACTION_STEPS = [
  "POWERING_ON",
  "POWERING_OFF",
  "SHUTTING_DOWN_GUEST",
  "FALLING_BACK_TO_POWER_OFF",
  "REBOOTING_GUEST",
  "FALLING_BACK_TO_RESET",
  "WAITING_FOR_GUEST",
  "DESTROYING",
  "RECONFIGURING",
  "CREATING_SNAPSHOT",
  "REVERTING_SNAPSHOT",
  "DELETING_SNAPSHOT",
  "REWRITING_MARKER",
] as const;
export const VmActionStep = z.enum(VM_ACTION_STEPS);
export type VmActionStep = z.infer<typeof VmActionStep>;

/** What a step says beyond its name: the timeout a fallback waits out, or why it fell back at once. */
export const StepDetail = z.object({
  /** SHUTTING_DOWN_GUEST / REBOOTING_GUEST: the fallback follows after this long */
  fallbackAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  /** FALLING_BACK_*: why (the timeout passed, or VMware Tools does not run in the guest) */
  because: z.enum(["timeout", "tools-not-running"]).optional(),
});
export type StepDetail = z.infer<typeof StepDetail>;

/** Stable codes of a failed action; the edge maps each to a sentence. Shared with the agent. */
export const VM_ACTION_FAILURE_CODES = [
  "MARKER_MISMATCH",
  "VM_NOT_FOUND",
  "INVALID_POWER_STATE",
  "POWER_CYCLE_REQUIRED",
  "DISK_SHRINK_REFUSED",
  "SNAPSHOT_NOT_FOUND",
  "NO_PERMISSION",
  "INVALID_LOGIN",
  "INSUFFICIENT_RESOURCES",
  "VCENTER_UNREACHABLE",
  "VCENTER_BUSY",
  "TASK_FAILED",
  "TIMED_OUT",
  "CANCELLED",
  "LEASE_LOST",
  /** the edge could never hand the action's job to the site's hub (said by the edge, never an agent) */
  "UNDELIVERABLE",
  "UNKNOWN",
] as const;
export const VmActionFailureCode = z.enum(VM_ACTION_FAILURE_CODES);
export type VmActionFailureCode = z.infer<typeof VmActionFailureCode>;

export const VmActionFailure = z.object({
  code: VmActionFailureCode,
  /** a plain sentence for the owner */
  userMessage: z.string().max(500),
  /** fault names and task ids for admins; never secrets */
  technicalDetail: z.string().max(4000),
  retriable: z.boolean(),
  attempts: z.number().int().min(1),
});
export type VmActionFailure = z.infer<typeof VmActionFailure>;

/** A snapshot as Gantry lists it. */
export const SnapshotInfo = z.object({
  snapshotId: z.string().min(1).max(200),
  name: z.string().max(200),
  createdAt: z.string().datetime(),
  withMemory: z.boolean(),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfo>;

/** What a finished action leaves: the VM as vCenter now shows it (null once deleted) and what it made. */
export const VmActionResult = z.object({
  facts: VmFacts.nullable(),
  /** snapshot-create: the snapshot it made (or found, when a re-run adopted it) */
  snapshot: SnapshotInfo.nullable().default(null),
  /** a fallback that ran, said plainly ("powered off after the guest ignored shutdown for 120 s") */
  note: z.string().max(500).nullable().default(null),
});
export type VmActionResult = z.infer<typeof VmActionResult>;

/** The outcome of an action job, as its `job.result` frame carries it. */
export const VmActionOutcome = z.discriminatedUnion("status", [
  z.object({ status: z.literal("done"), result: VmActionResult }),
  z.object({ status: z.literal("failed"), failure: VmActionFailure }),
]);
export type VmActionOutcome = z.infer<typeof VmActionOutcome>;

/** The first agent release that runs VM actions (protocol 3): what the UI tells people to update to. */
export const VM_ACTIONS_MIN_AGENT_VERSION = "0.2.0";
