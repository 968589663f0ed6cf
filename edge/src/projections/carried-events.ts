import { carriedBy, type ReachedStage, stagesCarriedBy } from "@gantry/shared/events/vm";
import type { StoredEvent } from "../event-store/stored-event.ts";

/**
 * Puts an entry that was not logged at its own time (a stage the hub held) where the log would have had
 * it: after every entry at or before its time. An entry logged meanwhile (a stop asked for while the run
 * went on) stays after the stages reached before it, as in a log that held each stage as an event.
 */
function insertAtItsTime(into: StoredEvent[], entry: StoredEvent): void {
  const at = Date.parse(entry.occurredAt);
  let i = into.length;
  while (i > 0 && Date.parse((into[i - 1] as StoredEvent).occurredAt) > at) i--;
  into.splice(i, 0, entry);
}

/**
 * The log with what an event carries as entries of their own, where older logs hold them: the stages an
 * outcome carries at the times they were reached (before it); the first stage on VmProvisioningStarted and
 * READY's lease on VmProvisioned right after it. A reader of stages, timelines or progress reads either
 * form the same.
 */
export function withCarriedEvents(events: readonly StoredEvent[]): StoredEvent[] {
  const unfolded: StoredEvent[] = [];
  for (const stored of events) {
    for (const { event, at } of stagesCarriedBy(stored.event))
      insertAtItsTime(unfolded, { ...stored, event, occurredAt: at });
    unfolded.push(stored, ...carriedBy(stored.event).map((event) => ({ ...stored, event })));
  }
  return unfolded;
}

const isOutcome = (e: StoredEvent) =>
  e.event.type === "VmProvisioned" || e.event.type === "VmProvisioningFailed";

/**
 * A running job's log with the stages after the first that its hub holds (the outcome will carry them),
 * as the entries they will unfold to, at the times they were reached: what a reader of a run in flight
 * sees, the same as once it ended. Needs the VM's stream to have started (it has, if the hub holds any);
 * a log that already has the outcome carries them itself (the hub keeps them after the job ends).
 */
export function withHeldStages(events: readonly StoredEvent[], held: readonly ReachedStage[]): StoredEvent[] {
  const started = events.find((e) => e.event.type === "VmProvisioningStarted");
  if (started?.event.type !== "VmProvisioningStarted" || held.length === 0 || events.some(isOutcome))
    return [...events];
  const { vmId } = started.event.data;
  const withHeld = [...events];
  for (const { stage, at, previous } of held) {
    insertAtItsTime(withHeld, {
      ...started,
      event: { type: "VmProvisioningStageReached" as const, data: { vmId, stage, previous } },
      occurredAt: at,
    });
  }
  return withHeld;
}
