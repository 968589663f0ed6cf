import type { VmStatus } from "@gantry/shared/domain/request-status";
import type { StageDuration, VmEvent } from "@gantry/shared/events/vm";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";

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
      /** the VM's address as last recorded (at READY, or observed later); null while none is known */
      ipAddress: string | null;
    };

export const initialVmState: VmState = { status: "NONE" };

/** Folds one event; stage timing comes from the event's time, so this takes the envelope. */
export function evolveVm(state: VmState, recorded: { event: VmEvent; occurredAt: string }): VmState {
  const { event, occurredAt } = recorded;
  if (event.type === "VmProvisioningStarted") {
    const { vmId, requestId, jobId } = event.data;
    return {
      status: "PROVISIONING",
      vmId,
      requestId,
      jobId,
      stage: null,
      stageStartedAt: null,
      completedStages: [],
      leftover: "none",
      ipAddress: null,
    };
  }
  if (state.status === "NONE") return state;
  switch (event.type) {
    case "VmProvisioningStageReached": {
      const { previous } = event.data;
      const completedStages = previous ? [...state.completedStages, previous] : state.completedStages;
      return { ...state, stage: event.data.stage, stageStartedAt: occurredAt, completedStages };
    }
    case "VmProvisioned":
      return {
        ...state,
        status: "READY",
        stage: "READY",
        stageStartedAt: occurredAt,
        completedStages: event.data.stageDurations,
        ipAddress: event.data.ipAddress,
      };
    case "VmProvisioningFailed":
      return { ...state, status: "FAILED", leftover: event.data.failure.cleanupFailed ? "present" : "none" };
    case "VmLeftoverCleared":
      return { ...state, leftover: "cleared" };
    case "VmAddressObserved":
      return { ...state, ipAddress: event.data.ipAddress };
  }
}
