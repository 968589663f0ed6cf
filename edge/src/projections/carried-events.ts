import { carriedBy } from "@gantry/shared/events/vm";
import type { StoredEvent } from "../event-store/stored-event.ts";

/**
 * The log with what an event carries (the first stage on VmProvisioningStarted, READY's lease on
 * VmProvisioned) as entries of their own right after it, as older logs hold them: a reader of stages,
 * timelines or progress reads either form the same.
 */
export function withCarriedEvents(events: readonly StoredEvent[]): StoredEvent[] {
  return events.flatMap((stored) => [
    stored,
    ...carriedBy(stored.event).map((event) => ({ ...stored, event })),
  ]);
}
