import type { VmStatus } from "@gantry/shared/domain/request-status";
import type { EventMetadata } from "@gantry/shared/events/event-metadata";
import {
  firstStageOf,
  leaseStartOf,
  type ReachedStage,
  type StageDuration,
  type VmEvent,
} from "@gantry/shared/events/vm";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { evolveLifecycle, initialLifecycle, type VmLifecycle } from "./vm-lifecycle.ts";

/** What the Vm aggregate remembers: where provisioning is, and since when (for stage durations). */
export type VmState =
  | { status: "NONE" }
  | {
      status: VmStatus;
      vmId: string;
      requestId: string;
      jobId: string;
      stage: ProvisioningStage | null;
      stageStartedAt: string | null;
      completedStages: StageDuration[];
      /** a failed cleanup left a half-built VM in vCenter ("present") until an admin clears it */
      leftover: "none" | "present" | "cleared";
      /** its life after READY (actions, snapshots, drift); null before */
      lifecycle: VmLifecycle | null;
      /** the VM's address as last recorded (at READY, or observed later); null while none is known */
      ipAddress: string | null;
    };

export const initialVmState: VmState = { status: "NONE" };

/** A VM whose stream is open. */
export type OpenVmState = Exclude<VmState, { status: "NONE" }>;

function reachStage(state: OpenVmState, reached: Omit<ReachedStage, "at">, at: string): OpenVmState {
  const { previous } = reached;
  const completedStages = previous ? [...state.completedStages, previous] : state.completedStages;
  return { ...state, stage: reached.stage, stageStartedAt: at, completedStages };
}

/**
 * The run with the stages after the first folded in, as an outcome carries them or (while the job runs)
 * the hub holds them; older logs hold a VmProvisioningStageReached for each instead.
 */
export const withStagesReached = (state: OpenVmState, stages: readonly ReachedStage[] = []): OpenVmState =>
  stages.reduce((s, reached) => reachStage(s, reached, reached.at), state);

/**
 * Folds one event; stage timing comes from the event's time and lifecycle events name their actor, so
 * this takes the envelope.
 */
export function evolveVm(
  state: VmState,
  recorded: { event: VmEvent; occurredAt: string; metadata?: Pick<EventMetadata, "actorId" | "actorName"> },
): VmState {
  const { event, occurredAt } = recorded;
  if (event.type === "VmProvisioningStarted") {
    const { vmId, requestId, jobId } = event.data;
    const opened: VmState = {
      status: "PROVISIONING",
      vmId,
      requestId,
      jobId,
      stage: null,
      stageStartedAt: null,
      completedStages: [],
      leftover: "none",
      lifecycle: null,
      ipAddress: null,
    };
    // the first stage, when the event carries it (older logs: a VmProvisioningStageReached next)
    const first = firstStageOf(event);
    return first ? evolveVm(opened, { ...recorded, event: first }) : opened;
  }
  if (state.status === "NONE") return state;
  switch (event.type) {
    case "VmProvisioningStageReached":
      return reachStage(state, event.data, occurredAt);
    case "VmProvisioned": {
      const { vmwareId, vmName, hostname, ipAddress } = event.data;
      const ready = initialLifecycle({ vmwareId, vmName, hostname, ipAddress, readyAt: occurredAt });
      // the lease starting with READY, when this event carries it (older logs: a VmLeaseStarted next)
      const lease = leaseStartOf(event);
      return {
        ...withStagesReached(state, event.data.stages),
        status: "READY",
        stage: "READY",
        stageStartedAt: occurredAt,
        completedStages: event.data.stageDurations,
        lifecycle: lease ? evolveLifecycle(ready, { ...recorded, event: lease }) : ready,
        ipAddress,
      };
    }
    case "VmProvisioningFailed":
      return {
        ...withStagesReached(state, event.data.stages),
        status: "FAILED",
        leftover: event.data.failure.cleanupFailed ? "present" : "none",
      };
    case "VmLeftoverCleared":
      return { ...state, leftover: "cleared" };
    case "VmAddressObserved": {
      // a live read found the address (one that arrived after the network wait, or a changed one)
      const { ipAddress } = event.data;
      const lifecycle = state.lifecycle && {
        ...state.lifecycle,
        facts: { ...state.lifecycle.facts, ipAddress },
      };
      return { ...state, ipAddress, lifecycle };
    }
    default: {
      // the rest is the VM's life after READY; before it, such an event is not possible
      if (!state.lifecycle) return state;
      const lifecycle = evolveLifecycle(state.lifecycle, { ...recorded, event });
      return { ...state, status: lifecycle.status, lifecycle };
    }
  }
}
