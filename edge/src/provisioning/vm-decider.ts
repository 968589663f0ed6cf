import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { StageDuration, VmEvent } from "@gantry/shared/events/vm";
import { stageIndex } from "@gantry/shared/jobs/provisioning-stage";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import { vmIdFor } from "./ids.ts";
import type { VmState } from "./vm.ts";

/**
 * The Vm aggregate's command is the agent's report itself (hub-fenced, see shared `JobReport`): the
 * stage it reached or the outcome. Stage durations are measured on the edge's clock (`receivedAt`),
 * never the agent's, so an agent with a wrong clock cannot skew ETAs.
 */
export type VmReport = Pick<JobReport, "requestId" | "jobId" | "receivedAt"> & { update: ProvisioningUpdate };

/** An admin's word that the VM a failed cleanup left in vCenter has been removed by hand. */
export interface ClearLeftover {
  type: "ClearLeftover";
  data: { vmId: string; requestId: string; note: string | null };
}

/** The address a live status read found for the VM (through its site's agent). */
export interface ObserveAddress {
  type: "ObserveAddress";
  data: { vmId: string; requestId: string; ipAddress: string; hostname: string | null };
}

type Decision = Result<VmEvent[], DomainError>;

const elapsed = (from: string | null, to: string): number =>
  from === null ? 0 : Math.max(0, Date.parse(to) - Date.parse(from));

const runningStage = (state: Exclude<VmState, { status: "NONE" }>, at: string): StageDuration | null =>
  state.stage === null ? null : { stage: state.stage, durationMs: elapsed(state.stageStartedAt, at) };

/**
 * Turns an agent's report into Vm events. Reports arrive at least once and possibly out of order:
 * repeats, stages that go backwards and anything after the end are ignored (no events, no error).
 * The READY stage is not recorded on its own: the success report that follows carries it with the VM.
 */
export function decideVm(report: VmReport, state: VmState): Decision {
  const { requestId, jobId, update } = report;
  const at = report.receivedAt;
  const vmId = vmIdFor(requestId);
  if (state.status !== "NONE" && state.jobId !== jobId)
    return err({ code: "JOB_MISMATCH", requestId, jobId });
  if (state.status === "READY" || state.status === "FAILED") return ok([]);

  // the first report of any kind opens the VM's stream
  const started: VmEvent[] =
    state.status === "NONE" ? [{ type: "VmProvisioningStarted", data: { vmId, requestId, jobId } }] : [];
  const current = state.status === "NONE" ? null : state;

  switch (update.kind) {
    case "stage": {
      const { stage } = update;
      const forward = current?.stage == null || stageIndex(stage) > stageIndex(current.stage);
      if (stage === "READY" || !forward) return ok(started);
      // the first stage rides on the event that opens the stream (one log entry, not two)
      if (!current) return ok([{ type: "VmProvisioningStarted", data: { vmId, requestId, jobId, stage } }]);
      const previous = runningStage(current, at);
      return ok([{ type: "VmProvisioningStageReached", data: { vmId, stage, previous } }]);
    }
    case "succeeded": {
      const { vmwareId, vmName, hostname, ipAddress, warning } = update.vm;
      const last = current ? runningStage(current, at) : null;
      const stageDurations = [...(current?.completedStages ?? []), ...(last ? [last] : [])];
      const data = { vmId, vmwareId, vmName, hostname, ipAddress, warning: warning ?? null, stageDurations };
      return ok([...started, { type: "VmProvisioned", data }]);
    }
    case "failed":
      return ok([
        ...started,
        {
          type: "VmProvisioningFailed",
          data: { vmId, stage: current?.stage ?? null, failure: update.failure },
        },
      ]);
  }
}

/** Clearing is idempotent; a VM that never left anything behind has nothing to clear. */
export function decideClearLeftover(command: ClearLeftover, state: VmState): Decision {
  const { vmId, requestId, note } = command.data;
  if (state.status === "NONE" || state.leftover === "none") return err({ code: "NO_LEFTOVER", requestId });
  if (state.leftover === "cleared") return ok([]);
  return ok([{ type: "VmLeftoverCleared", data: { vmId, requestId, note } }]);
}

/**
 * Records an address a live read found, once: only for a ready VM, and only when it differs from what
 * is recorded (the address that arrived after the network wait, or a changed one). Idempotent.
 */
export function decideObserveAddress(command: ObserveAddress, state: VmState): Decision {
  if (state.status !== "READY") return ok([]);
  // after READY the VM's known facts (which actions change: a power off forgets the address) hold it
  const recorded = state.lifecycle ? state.lifecycle.facts.ipAddress : state.ipAddress;
  if (recorded === command.data.ipAddress) return ok([]);
  return ok([{ type: "VmAddressObserved", data: command.data }]);
}
