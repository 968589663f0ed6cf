import { z } from "zod";
import { VmStatus } from "../domain/request-status.ts";
import {
  ActionReason,
  GUEST_TIMEOUT_MAX_S,
  GUEST_TIMEOUT_MIN_S,
  SnapshotId,
  SnapshotName,
  type VmActionKind,
  VmPowerState,
} from "../domain/vm-actions.ts";
import type { DriftChange } from "../domain/vm-facts.ts";
import { VmSize, type VmSpec } from "../domain/vm-size.ts";
import type { ActorKind } from "../events/event-metadata.ts";
import type { VmActionFailureCode, VmActionStep } from "../jobs/vm-action-job.ts";
import type { ApprovalProgressView } from "./approval-policies.ts";
import { EntityId, IdempotencyKey, ProjectId } from "./ids.ts";
import { pageInput } from "./paging.ts";
import type { PersonRef } from "./requests.ts";

// The VM after READY: My VMs, the VM page, and the actions on it. A VM shares its id with the request
// that built it (`vmId` = `requestId`). Members see and act on their own VMs, admins on every VM of the
// tenant; any other VM id answers NOT_FOUND exactly like a missing one (as `requests.get` does).

export const VmId = EntityId;

/** The states My VMs shows; a VM still provisioning or failed is a request, not (yet) a VM. */
export const ListedVmStatus = VmStatus.extract(["READY", "GONE", "DELETED"]);
export type ListedVmStatus = z.infer<typeof ListedVmStatus>;

/**
 * `vms.list`: newest first. Without `status` it lists READY and GONE VMs (a deleted VM leaves the list;
 * ask for DELETED to see those). `ownerId` is for admins; a member naming anyone else is FORBIDDEN.
 */
export const ListVmsInput = pageInput(25)
  .extend({
    projectId: ProjectId.optional(),
    ownerId: z.string().min(1).max(200).optional(),
    status: ListedVmStatus.optional(),
    powerState: VmPowerState.optional(),
  })
  .strict()
  .prefault({});
export type ListVmsInput = z.input<typeof ListVmsInput>;

export const GetVmInput = z.object({ vmId: VmId }).strict();
export type GetVmInput = z.input<typeof GetVmInput>;

/** The action that runs on a VM now (at most one), as every open page shows it. */
export interface VmRunningAction {
  actionId: string;
  kind: VmActionKind;
  /** the last step the agent reported; null until it started */
  step: VmActionStep | null;
  /** the step in a sentence, e.g. "Shutting down the guest; powering off if it has not stopped after 120 s" */
  message: string;
  requestedBy: { id: string; name: string | null };
  requestedAt: string;
  /** Gantry gives up on it (TIMED_OUT) at this time */
  deadline: string;
}

/** One row of My VMs (and of an admin's VM list). */
/** A VM's lease as lists and pages show it. */
export interface VmLeaseView {
  /** active | grace (hard: powered off, destroyed at destroyAt) | expired (soft) | ended | exempt */
  phase: "active" | "grace" | "expired" | "ended" | "exempt";
  destroyAt: string | null;
  /** an extension past the policy waiting for an admin */
  pendingExtension: { approvalId: string; expiresAt: string } | null;
}

export interface VmListItem {
  vmId: string;
  /** the request that built it (the same id) */
  requestId: string;
  status: ListedVmStatus;
  /** the name asked for (also the guest hostname) */
  name: string;
  /** the name in vCenter, as Gantry last saw it */
  vmName: string;
  projectId: string;
  projectName: string | null;
  size: VmSize;
  spec: VmSpec;
  powerState: VmPowerState;
  ipAddress: string | null;
  hostname: string | null;
  owner: PersonRef;
  /** when it became READY; its age counts from here */
  createdAt: string;
  updatedAt: string;
  /** when the VM's lease ends (issue 16); null for VMs from before leases */
  expiresAt: string | null;
  /** the lease's phase and what waits on it; null for VMs from before leases */
  lease: VmLeaseView | null;
  action: VmRunningAction | null;
  /** a resize up waiting for an admin */
  pendingResize: { approvalId: string; size: VmSize } | null;
  /** the last time vCenter showed a change made outside Gantry; null if never */
  driftedAt: string | null;
  snapshotCount: number;
}

export interface VmSnapshotView {
  snapshotId: string;
  name: string;
  createdAt: string;
  withMemory: boolean;
  /** at `serverTime` of the answer */
  ageMs: number;
  createdBy: { id: string; name: string | null };
}

export type VmTimelineEntryKind =
  | "PROVISIONED"
  | "ACTION_REQUESTED"
  | "ACTION_STEP"
  | "ACTION_SUCCEEDED"
  | "ACTION_FAILED"
  | "RESIZE_REQUESTED"
  | "RESIZE_APPROVED"
  | "RESIZE_REJECTED"
  | "RESIZE_WITHDRAWN"
  | "CHANGED_OUTSIDE_GANTRY"
  | "GONE"
  | "REAPPEARED"
  /** a resize's or extension's approval policy asked for people; one of its approvals was given */
  | "APPROVAL_POLICY_APPLIED"
  | "APPROVAL_GIVEN"
  /** the lease: started, extended (or asked to be), warned, expired, ended, exempted */
  | "LEASE";

/** One event of the VM's history, for people: who, what, why. */
export interface VmTimelineEntry {
  at: string;
  kind: VmTimelineEntryKind;
  actor: { kind: ActorKind; id: string; name: string | null };
  /** the action this entry belongs to, when it belongs to one */
  actionId: string | null;
  title: string;
  /** the reason given, the step's detail, or the outcome in a sentence */
  detail: string | null;
  /** CHANGED_OUTSIDE_GANTRY: each fact that changed */
  changes?: DriftChange[];
  /** fault names and task ids; present only for admins */
  technicalDetail?: string;
}

/** Whether an action can be asked for now, and if not, why in a sentence the UI can show as is. */
export interface VmActionAvailability {
  kind: VmActionKind;
  available: boolean;
  reason: string | null;
}

export interface VmPendingResize {
  approvalId: string;
  from: { size: VmSize; spec: VmSpec };
  to: { size: VmSize; spec: VmSpec };
  powerCycle: boolean;
  reason: string | null;
  requestedBy: { id: string; name: string | null };
  requestedAt: string;
  /** what the approval policy asks of it ("1 of 2 approvals"); null: one approval */
  approvals: ApprovalProgressView | null;
}

export interface VmLastFailure {
  actionId: string;
  kind: VmActionKind;
  code: VmActionFailureCode;
  userMessage: string;
  at: string;
}

/** `vms.get`: one VM with its facts, snapshots, history and what can be done to it now. */
export interface VmDetail {
  /** the VM stream's version (a `vm` frame of the change feed with a higher one means: refetch) */
  version: number;
  vm: VmListItem & {
    vmwareId: string;
    siteId: string;
    siteName: string;
    /** the size the request asked for (resizes change `size`) */
    requestedSize: VmSize;
  };
  snapshots: VmSnapshotView[];
  /** snapshots this VM may hold; creating one more is refused */
  snapshotCap: number;
  /** oldest first: provisioning's end, every action with its steps and outcome, drift, gone */
  timeline: VmTimelineEntry[];
  pendingResize: VmPendingResize | null;
  /** what the approval policy asks of the extension waiting (`vm.lease.pendingExtension`); null: one approval */
  pendingExtensionApprovals: ApprovalProgressView | null;
  /** the last action's failure, while no later action succeeded */
  lastFailure: VmLastFailure | null;
  actions: VmActionAvailability[];
  /** what shutdown and restart wait before falling back, unless the command says otherwise */
  guestTimeoutSeconds: number;
  /** the lease policy the VM's lease started with (what one extension may add, the total life); null without a lease */
  leaseTerms: { maxExtensionSeconds: number; maxTotalSeconds: number; startedAt: string } | null;
  serverTime: string;
}

// -- commands -------------------------------------------------------------------------------------

/**
 * Every action names its VM, an idempotency key (a retry with the same key returns the same action;
 * the same key for another action is a CONFLICT) and optionally why (kept in the audit trail).
 */
const ActionInput = z.object({
  vmId: VmId,
  idempotencyKey: IdempotencyKey,
  // blank says nothing: stored as no reason
  reason: ActionReason.optional().transform((r) => (r ? r : null)),
});

const GuestTimeoutSeconds = z.number().int().min(GUEST_TIMEOUT_MIN_S).max(GUEST_TIMEOUT_MAX_S);

export const PowerOnVmInput = ActionInput.strict();
export type PowerOnVmInput = z.input<typeof PowerOnVmInput>;
export const PowerOffVmInput = ActionInput.strict();
export type PowerOffVmInput = z.input<typeof PowerOffVmInput>;

/** Graceful shutdown through VMware Tools; after `timeoutSeconds` (default: the deployment's) a power off. */
export const ShutdownGuestInput = ActionInput.extend({
  timeoutSeconds: GuestTimeoutSeconds.optional(),
}).strict();
export type ShutdownGuestInput = z.input<typeof ShutdownGuestInput>;

/** Guest reboot through VMware Tools; a reset when the guest has not begun rebooting after `timeoutSeconds`. */
export const RestartVmInput = ActionInput.extend({ timeoutSeconds: GuestTimeoutSeconds.optional() }).strict();
export type RestartVmInput = z.input<typeof RestartVmInput>;

/** Power off and destroy; `confirmName` must be the VM's name exactly (its `name` or its `vmName`). */
export const DeleteVmInput = ActionInput.extend({ confirmName: z.string().max(200) }).strict();
export type DeleteVmInput = z.input<typeof DeleteVmInput>;

/**
 * To another size of the catalogue. CPU and RAM change; the disk only grows: a size with a smaller disk
 * than the VM's is refused, saying so, unless `keepDisk` asks to keep the VM's disk as it is. A resize
 * up (any of CPU, RAM, disk grows) waits for an admin's approval. When the VM runs and cannot take the
 * change hot, it needs a power cycle, done only with `powerCycle: true`; without it the resize is
 * refused, saying why.
 */
export const ResizeVmInput = ActionInput.extend({
  size: VmSize,
  powerCycle: z.boolean().default(false),
  keepDisk: z.boolean().default(false),
}).strict();
export type ResizeVmInput = z.input<typeof ResizeVmInput>;

/** Refused at the VM's snapshot cap. With memory, a revert resumes the running guest. */
export const CreateSnapshotInput = ActionInput.extend({
  name: SnapshotName,
  withMemory: z.boolean().default(false),
}).strict();
export type CreateSnapshotInput = z.input<typeof CreateSnapshotInput>;

export const RevertSnapshotInput = ActionInput.extend({ snapshotId: SnapshotId }).strict();
export type RevertSnapshotInput = z.input<typeof RevertSnapshotInput>;
export const DeleteSnapshotInput = ActionInput.extend({ snapshotId: SnapshotId }).strict();
export type DeleteSnapshotInput = z.input<typeof DeleteSnapshotInput>;

/** The owner (or an admin) takes back a resize still waiting for approval. */
export const WithdrawResizeInput = z.object({ vmId: VmId, approvalId: EntityId }).strict();
export type WithdrawResizeInput = z.input<typeof WithdrawResizeInput>;

/**
 * What an action command answers: `queued` (its job is on the way to the site's agents; follow it on the
 * change feed and `vms.get`), `done` (nothing for vCenter to do, e.g. deleting a VM already gone), or
 * `awaiting-approval` (a resize up; `approvalId` names it).
 */
export interface VmActionAccepted {
  vmId: string;
  actionId: string | null;
  approvalId: string | null;
  outcome: "queued" | "done" | "awaiting-approval";
  /** the VM stream's version after the command */
  version: number;
}

/**
 * A half-built VM that a failed provisioning could not remove: it sits in vCenter until someone deletes
 * it by hand, so admins see it until one of them clears it.
 */
export interface VmLeftover {
  requestId: string;
  /** the VM's name in vCenter */
  vmName: string;
  projectId: string;
  siteName: string;
  requester: { id: string; name: string };
  failedAt: string;
  failureCode: string;
  /** the agent's technical detail: the fault, the step, the VM's moref */
  detail: string;
}

export const ClearLeftoverInput = z
  .object({
    requestId: z.string().min(1).max(100),
    // blank says nothing: stored as no note
    note: z
      .string()
      .trim()
      .max(500)
      .nullable()
      .default(null)
      .transform((note) => (note === "" ? null : note)),
  })
  .strict();
export type ClearLeftoverInput = z.input<typeof ClearLeftoverInput>;
