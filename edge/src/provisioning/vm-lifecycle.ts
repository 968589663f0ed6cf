import type { VmActionKind, VmPowerState } from "@gantry/shared/domain/vm-actions";
import type { VmSize, VmSpec } from "@gantry/shared/domain/vm-size";
import type { EventMetadata } from "@gantry/shared/events/event-metadata";
import type { VmAction, VmLifecycleEvent } from "@gantry/shared/events/vm-lifecycle";
import type {
  SnapshotInfo,
  StepDetail,
  VmActionFailure,
  VmActionStep,
} from "@gantry/shared/jobs/vm-action-job";
import { evolveLease, type LeaseState } from "./vm-lease.ts";

/** Who did something, as the event's metadata said. */
export interface ActorRef {
  id: string;
  name: string | null;
}

export interface RunningAction {
  actionId: string;
  jobId: string;
  action: VmAction;
  reason: string | null;
  step: VmActionStep | null;
  stepDetail: StepDetail;
  requestedBy: ActorRef;
  requestedAt: string;
  deadline: string;
}

export interface PendingResizeState {
  approvalId: string;
  from: { size: VmSize; spec: VmSpec };
  to: { size: VmSize; spec: VmSpec };
  powerCycle: boolean;
  reason: string | null;
  requestedBy: ActorRef;
  requestedAt: string;
}

export interface SnapshotState extends SnapshotInfo {
  createdBy: ActorRef;
}

/**
 * What vCenter last showed of the VM, as far as Gantry knows: null fields were never reported after
 * READY, and mean "as the request built it" (the request's spec; powered on).
 */
export interface KnownFacts {
  name: string;
  powerState: VmPowerState;
  cpu: number | null;
  memoryMb: number | null;
  diskGb: number | null;
  ipAddress: string | null;
  hostname: string | null;
}

/** How every action of the VM ended, by id: repeats of a command (same key) find theirs here. */
export type ActionRecord = {
  kind: VmActionKind;
  status: "awaiting-approval" | "running" | "succeeded" | "failed" | "rejected";
};

/** The VM after READY: its facts, the one running action, snapshots, a resize waiting for approval. */
export interface VmLifecycle {
  status: "READY" | "DELETED" | "GONE";
  vmwareId: string;
  readyAt: string;
  facts: KnownFacts;
  /** the catalogue size Gantry last set (null: the request's) */
  size: VmSize | null;
  running: RunningAction | null;
  pendingResize: PendingResizeState | null;
  snapshots: SnapshotState[];
  actions: ReadonlyMap<string, ActionRecord>;
  lastFailure: { actionId: string; kind: VmActionKind; failure: VmActionFailure; at: string } | null;
  driftedAt: string | null;
  /**
   * when Gantry last said what the VM is (READY, an action's end, a drift, gone or back): an agent's
   * observation made before it says nothing new — another agent's job may have changed the VM since
   */
  settledAt: string;
  /** its lease (issue 16); null for VMs that became READY before leases */
  lease: LeaseState | null;
  /** resizes and extensions whose approval policy asks for people, by approval id: how many, and who gave one */
  policyApprovals: ReadonlyMap<string, PolicyApproval>;
}

export interface PolicyApproval {
  required: 1 | 2;
  approvedBy: readonly string[];
  explanation: string;
  /** when it is rejected if still waiting */
  rejectAt: string | null;
}

/** An event as the fold needs it: lifecycle events take their actor from the metadata. */
export interface LifecycleRecorded {
  event: VmLifecycleEvent;
  occurredAt: string;
  metadata?: Pick<EventMetadata, "actorId" | "actorName">;
}

export function initialLifecycle(input: {
  vmwareId: string;
  vmName: string;
  hostname: string;
  ipAddress: string | null;
  readyAt: string;
}): VmLifecycle {
  return {
    status: "READY",
    vmwareId: input.vmwareId,
    readyAt: input.readyAt,
    facts: {
      name: input.vmName,
      powerState: "poweredOn",
      cpu: null,
      memoryMb: null,
      diskGb: null,
      ipAddress: input.ipAddress,
      hostname: input.hostname,
    },
    size: null,
    running: null,
    pendingResize: null,
    snapshots: [],
    actions: new Map(),
    lastFailure: null,
    driftedAt: null,
    settledAt: input.readyAt,
    lease: null,
    policyApprovals: new Map(),
  };
}

const actorOf = (recorded: LifecycleRecorded): ActorRef => ({
  id: recorded.metadata?.actorId ?? "unknown",
  name: recorded.metadata?.actorName ?? null,
});

const withAction = (
  state: VmLifecycle,
  actionId: string,
  record: ActionRecord,
): ReadonlyMap<string, ActionRecord> => new Map(state.actions).set(actionId, record);

/** Folds one lifecycle event. Pure; events are facts, so nothing here can fail. */
export function evolveLifecycle(state: VmLifecycle, recorded: LifecycleRecorded): VmLifecycle {
  const { event, occurredAt } = recorded;
  switch (event.type) {
    case "VmActionRequested": {
      const { actionId, jobId, action, reason, deadline } = event.data;
      const running: RunningAction = {
        actionId,
        jobId,
        action,
        reason,
        step: null,
        stepDetail: {},
        requestedBy: actorOf(recorded),
        requestedAt: occurredAt,
        deadline,
      };
      return {
        ...state,
        running,
        actions: withAction(state, actionId, { kind: action.kind, status: "running" }),
      };
    }
    case "VmActionStepReached": {
      const { running } = state;
      if (running?.actionId !== event.data.actionId) return state;
      return { ...state, running: { ...running, step: event.data.step, stepDetail: event.data.detail } };
    }
    case "VmActionSucceeded":
      return { ...succeeded(state, event.data), settledAt: occurredAt };
    case "VmActionFailed": {
      const { actionId, kind, failure } = event.data;
      const running = state.running?.actionId === actionId ? null : state.running;
      // vCenter has no such snapshot (any more): the list stops showing it
      const snapshotId = state.running?.actionId === actionId ? snapshotOf(state.running.action) : null;
      const snapshots =
        failure.code === "SNAPSHOT_NOT_FOUND" && snapshotId !== null
          ? state.snapshots.filter((s) => s.snapshotId !== snapshotId)
          : state.snapshots;
      return {
        ...state,
        running,
        snapshots,
        actions: withAction(state, actionId, { kind, status: "failed" }),
        lastFailure: { actionId, kind, failure, at: occurredAt },
        settledAt: occurredAt,
      };
    }
    case "VmResizeRequested": {
      const { approvalId, from, to, powerCycle, reason } = event.data;
      const pendingResize: PendingResizeState = {
        approvalId,
        from,
        to,
        powerCycle,
        reason,
        requestedBy: actorOf(recorded),
        requestedAt: occurredAt,
      };
      return {
        ...state,
        pendingResize,
        actions: withAction(state, approvalId, { kind: "resize", status: "awaiting-approval" }),
      };
    }
    case "VmResizeApproved":
      // the action that carries it out follows in the same commit (VmActionRequested)
      return { ...state, pendingResize: null };
    case "VmResizeRejected": {
      const { approvalId } = event.data;
      const pendingResize = state.pendingResize?.approvalId === approvalId ? null : state.pendingResize;
      return {
        ...state,
        pendingResize,
        actions: withAction(state, approvalId, { kind: "resize", status: "rejected" }),
      };
    }
    case "VmDriftObserved": {
      const { observed } = event.data;
      return { ...state, facts: { ...observed }, driftedAt: occurredAt, settledAt: occurredAt };
    }
    case "VmGone":
      return {
        ...state,
        status: "GONE",
        facts: { ...state.facts, powerState: "unknown", ipAddress: null },
        settledAt: occurredAt,
      };
    case "VmReappeared":
      return { ...state, status: "READY", facts: { ...event.data.observed }, settledAt: occurredAt };
    case "VmApprovalPolicyApplied": {
      const { approvalId, approvalsRequired, explanation, rejectAt } = event.data;
      const policyApprovals = new Map(state.policyApprovals).set(approvalId, {
        required: approvalsRequired,
        approvedBy: [],
        explanation,
        rejectAt,
      });
      return { ...state, policyApprovals };
    }
    case "VmApprovalGiven": {
      const { approvalId, approverId, required } = event.data;
      const known = state.policyApprovals.get(approvalId);
      const approval: PolicyApproval = {
        required: known?.required ?? (required === 1 ? 1 : 2),
        approvedBy: [...(known?.approvedBy ?? []), approverId],
        explanation: known?.explanation ?? "",
        rejectAt: known?.rejectAt ?? null,
      };
      return { ...state, policyApprovals: new Map(state.policyApprovals).set(approvalId, approval) };
    }
    default:
      return { ...state, lease: evolveLease(state.lease, event, { occurredAt, actor: actorOf(recorded) }) };
  }
}

function snapshotOf(action: VmAction): string | null {
  return action.kind === "snapshot-revert" || action.kind === "snapshot-delete" ? action.snapshotId : null;
}

function succeeded(
  state: VmLifecycle,
  data: Extract<VmLifecycleEvent, { type: "VmActionSucceeded" }>["data"],
): VmLifecycle {
  const { actionId, kind, facts, snapshot } = data;
  const action = state.running?.actionId === actionId ? state.running.action : null;
  const next: VmLifecycle = {
    ...state,
    running: action ? null : state.running,
    actions: withAction(state, actionId, { kind, status: "succeeded" }),
    lastFailure: null,
    facts: facts ? { ...facts } : state.facts,
  };
  switch (action?.kind) {
    case "delete":
      return {
        ...next,
        status: "DELETED",
        facts: { ...next.facts, powerState: "poweredOff", ipAddress: null },
      };
    case "resize":
      return { ...next, size: action.to.size };
    case "snapshot-create":
      if (!snapshot || state.snapshots.some((s) => s.snapshotId === snapshot.snapshotId)) return next;
      return {
        ...next,
        snapshots: [
          ...state.snapshots,
          { ...snapshot, createdBy: state.running?.requestedBy ?? { id: "unknown", name: null } },
        ],
      };
    case "snapshot-delete":
      return { ...next, snapshots: state.snapshots.filter((s) => s.snapshotId !== action.snapshotId) };
    default:
      return next;
  }
}
