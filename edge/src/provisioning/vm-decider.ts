import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { ReachedStage, StageDuration, VmEvent } from "@gantry/shared/events/vm";
import { stageIndex } from "@gantry/shared/jobs/provisioning-stage";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import { vmIdFor } from "./ids.ts";
import { type OpenVmState, type VmState, withStagesReached } from "./vm.ts";

/**
 * The Vm aggregate's command is the agent's report itself (hub-fenced, see shared `JobReport`): the
 * stage it reached or the outcome, with the stages after the first that the hub holds for the job. Stage
 * durations are measured on the edge's clock (`receivedAt`), never the agent's, so an agent with a wrong
 * clock cannot skew ETAs.
 */
export type VmReport = Pick<JobReport, "requestId" | "jobId" | "receivedAt" | "stagesReached"> & {
  update: ProvisioningUpdate;
};

/**
 * What a report means for the VM: events for the log, and a stage reached after the first, which the
 * hub holds (durably, before it acks the frame) until the outcome carries it into the log.
 */
export interface VmReportDecision {
  events: VmEvent[];
  reached: ReachedStage | null;
}

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

const runningStage = (state: OpenVmState, at: string): StageDuration | null =>
  state.stage === null ? null : { stage: state.stage, durationMs: elapsed(state.stageStartedAt, at) };

const logged = (events: VmEvent[]): Result<VmReportDecision, DomainError> => ok({ events, reached: null });

/**
 * Turns an agent's report into Vm events. Reports arrive at least once and possibly out of order:
 * repeats, stages that go backwards and anything after the end are ignored (no events, no error).
 * The first stage opens the VM's stream; a later one is not logged on its own (two written rows each)
 * but held by the hub, and the outcome carries every held stage into the log. The READY stage is not
 * recorded on its own: the success report that follows carries it with the VM.
 */
export function decideVm(report: VmReport, state: VmState): Result<VmReportDecision, DomainError> {
  const { requestId, jobId, update } = report;
  const at = report.receivedAt;
  const vmId = vmIdFor(requestId);
  if (state.status !== "NONE" && state.jobId !== jobId)
    return err({ code: "JOB_MISMATCH", requestId, jobId });
  if (state.status === "READY" || state.status === "FAILED") return logged([]);

  // the first report of any kind opens the VM's stream
  const started: VmEvent[] =
    state.status === "NONE" ? [{ type: "VmProvisioningStarted", data: { vmId, requestId, jobId } }] : [];
  const held = report.stagesReached ?? [];
  const current = state.status === "NONE" ? null : withStagesReached(state, held);
  // what the outcome carries: nothing when the hub holds nothing, so such an outcome reads as before
  const carried = held.length > 0 ? { stages: held } : {};

  switch (update.kind) {
    case "stage": {
      const { stage } = update;
      const forward = current?.stage == null || stageIndex(stage) > stageIndex(current.stage);
      if (stage === "READY" || !forward) return logged(started);
      // the first stage rides on the event that opens the stream (one log entry, not two)
      if (!current)
        return logged([{ type: "VmProvisioningStarted", data: { vmId, requestId, jobId, stage } }]);
      return ok({ events: [], reached: { stage, at, previous: runningStage(current, at) } });
    }
    case "succeeded": {
      const { vmwareId, vmName, hostname, ipAddress, warning } = update.vm;
      const last = current ? runningStage(current, at) : null;
      const stageDurations = [...(current?.completedStages ?? []), ...(last ? [last] : [])];
      const vm = { vmwareId, vmName, hostname, ipAddress, warning: warning ?? null };
      return logged([
        ...started,
        { type: "VmProvisioned", data: { vmId, ...vm, stageDurations, ...carried } },
      ]);
    }
    case "failed": {
      const data = { vmId, stage: current?.stage ?? null, failure: update.failure, ...carried };
      return logged([...started, { type: "VmProvisioningFailed", data }]);
    }
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
