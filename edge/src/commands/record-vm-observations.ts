import { DRIFT_FIELDS } from "@gantry/shared/domain/vm-facts";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import { err, ok, type Result } from "@gantry/shared/result";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { logEvent } from "../log.ts";
import { type BelievedVm, believedVms } from "../projections/vm-observation-queries.ts";
import { decideObservation } from "../provisioning/vm-drift-decider.ts";
import type { CommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { type LoadedManagedVm, loadManagedVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

export interface ObservationsReport {
  tenantId: string;
  siteId: string;
  agentId: string;
  /** the frame's id: the events' causation, and (numbered) their ids */
  frameId: string;
  observations: readonly VmObservation[];
}

export interface ObservationsRecorded {
  /** VMs recorded as changed outside Gantry or gone */
  recorded: number;
  /** VMs Gantry does not know at this site, or that are as Gantry left them, or busy with an action */
  ignored: number;
}

/** Whether the read model already shows what the agent saw (or the VM is not for drift now). */
function unchanged(believed: BelievedVm | undefined, observation: VmObservation): boolean {
  if (!believed || believed.busy || believed.vmwareId !== observation.vmwareId) return true;
  // a missing VM seen again is back; gone again is nothing new
  if (believed.missing) return observation.kind === "gone";
  if (observation.kind === "gone") return false;
  return DRIFT_FIELDS.every((field) => believed[field] === observation.facts[field]);
}

const observationContext = (report: ObservationsReport, index: number, at: string): CommandContext => ({
  tenantId: report.tenantId,
  actor: { kind: "agent", id: report.agentId },
  correlationId: report.frameId,
  causationId: report.frameId,
  occurredAt: at,
  eventId: (n) => `${report.frameId}/${index}#${n}`,
});

/**
 * Records what an agent's drift watch saw: "changed outside Gantry" or GONE for the VMs of the agent's
 * own tenant and site that vCenter shows otherwise than Gantry left them. One read sorts the batch out
 * against the read model; only the differing VMs are loaded and decided on (the decider has the last
 * word: an action running on the VM means the change is Gantry's own). `retryable` asks the agent to
 * resend later.
 */
export async function recordVmObservations(
  deps: CommandDeps,
  report: ObservationsReport,
): Promise<Result<ObservationsRecorded, { retryable: boolean; message: string }>> {
  try {
    const believed = await believedVms(deps.db, {
      tenantId: report.tenantId,
      siteId: report.siteId,
      vmIds: [...new Set(report.observations.map((o) => o.requestId))],
    });
    let recorded = 0;
    for (const [index, observation] of report.observations.entries()) {
      if (unchanged(believed.get(observation.requestId), observation)) continue;
      const vmId = observation.requestId;
      const result = await handleCommand<LoadedManagedVm, number>(deps.store, {
        load: () => loadManagedVm(deps.db, vmId),
        decide: (loaded) => {
          const { vm } = loaded;
          if (!vm || loaded.tenantId !== report.tenantId) return done(ok(0));
          const decided = decideObservation(observation, vm);
          if (!decided.ok) return done(decided);
          const events = decided.value;
          const ctx = observationContext(report, index, observation.at);
          return appendToVm(deps, {
            loaded,
            vmId,
            ownerId: vm.ownerId,
            events,
            ctx,
            answer: () => events.length,
          });
        },
      });
      if (result.ok) recorded += result.value > 0 ? 1 : 0;
      else logEvent("warn", "drift observation not recorded", { vmId, error: result.error });
    }
    return ok({ recorded, ignored: report.observations.length - recorded });
  } catch (error) {
    // D1 failed (the read, or the log): nothing is half-done, and the agent sends the batch again
    const message = error instanceof EventStoreUnavailableError ? error.message : String(error);
    return err({ retryable: true, message });
  }
}
