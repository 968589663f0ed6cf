import { carriedBy, type ReachedStage, stagesCarriedBy } from "@gantry/shared/events/vm";
import type { StoredEvent } from "../event-store/stored-event.ts";

/**
 * The log with what an event carries as entries of their own, where older logs hold them: the stages an
 * outcome carries right before it, at the times they were reached; the first stage on
 * VmProvisioningStarted and READY's lease on VmProvisioned right after it. A reader of stages, timelines
 * or progress reads either form the same.
 */
export function withCarriedEvents(events: readonly StoredEvent[]): StoredEvent[] {
  return events.flatMap((stored) => [
    ...stagesCarriedBy(stored.event).map(({ event, at }) => ({ ...stored, event, occurredAt: at })),
    stored,
    ...carriedBy(stored.event).map((event) => ({ ...stored, event })),
  ]);
}

/**
 * A running job's log with the stages after the first that its hub holds (the outcome will carry them),
 * as the entries they will unfold to, at the times they were reached: what a reader of a run in flight
 * sees, the same as once it ended. Needs the VM's stream to have started (it has, if the hub holds any).
 */
export function withHeldStages(events: readonly StoredEvent[], held: readonly ReachedStage[]): StoredEvent[] {
  const started = events.find((e) => e.event.type === "VmProvisioningStarted");
  if (started?.event.type !== "VmProvisioningStarted" || held.length === 0) return [...events];
  const { vmId } = started.event.data;
  return [
    ...events,
    ...held.map(({ stage, at, previous }) => ({
      ...started,
      event: { type: "VmProvisioningStageReached" as const, data: { vmId, stage, previous } },
      occurredAt: at,
    })),
  ];
}
