import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { NewEvent } from "../../src/event-store/stored-event.ts";

/** An envelope for store-level tests, where the event's meaning does not matter. */
export const newEvent = (event: DomainEvent, overrides: Partial<Omit<NewEvent, "event">> = {}): NewEvent => ({
  eventId: crypto.randomUUID(),
  event,
  occurredAt: "2026-03-02T09:00:00.000Z",
  metadata: {
    tenantId: "acme",
    actorId: "user-alice",
    actorKind: "user",
    correlationId: "corr-1",
    causationId: null,
  },
  ...overrides,
});

/** A small, always-valid event for streams whose content is irrelevant to the test. */
export const approvedEvent = (requestId: string): DomainEvent => ({
  type: "VmRequestApproved",
  data: { requestId, jobId: `job-${requestId}` },
});

export const uniqueStream = (prefix = "test") => `${prefix}:${crypto.randomUUID()}`;
