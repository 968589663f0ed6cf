import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { ActorKind } from "@gantry/shared/events/event-metadata";
import type { Principal } from "../auth/principal.ts";
import type { NewEvent } from "../event-store/stored-event.ts";
import type { CommandDeps } from "./command-deps.ts";

/** Metadata every event of one command shares; ids and time come from outside the deciders. */
export interface CommandContext {
  tenantId: string;
  /** `tokenId` when a person acted through an API token (kind "token", id the person's) */
  actor: { kind: ActorKind; id: string; name?: string; tokenId?: string };
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  /** the id of the n-th event this command appends; deterministic for agent reports (idempotency) */
  eventId: (index: number) => string;
  leaseEpoch?: number;
  /** an agent's own time for what it reported (metadata only; `occurredAt` is the edge's) */
  agentAt?: string;
}

/**
 * A person as the actor of what they cause: signed in, or through one of their API tokens (then the
 * events name the token too, so every use is attributable); or the approval policy's rule.
 */
export const actorOf = (principal: Principal): CommandContext["actor"] => {
  if (principal.via === "policy") return { kind: "policy", id: principal.userId, name: principal.name };
  return principal.token
    ? { kind: "token", id: principal.userId, name: principal.name, tokenId: principal.token.id }
    : { kind: "user", id: principal.userId, name: principal.name };
};

export function userCommandContext(deps: CommandDeps, principal: Principal): CommandContext {
  const ids: string[] = [];
  return {
    tenantId: principal.tenantId,
    actor: actorOf(principal),
    correlationId: deps.newId(),
    causationId: null,
    occurredAt: deps.clock().toISOString(),
    // the same index always yields the same id, so a retried append re-sends identical events
    eventId: (index) => {
      ids[index] ??= deps.newId();
      return ids[index];
    },
  };
}

/** Wraps decided events in envelopes; `offset` numbers events when one command writes two streams. */
export function toNewEvents(events: readonly DomainEvent[], ctx: CommandContext, offset = 0): NewEvent[] {
  return events.map((event, i) => ({
    eventId: ctx.eventId(offset + i),
    event,
    occurredAt: ctx.occurredAt,
    metadata: {
      tenantId: ctx.tenantId,
      actorId: ctx.actor.id,
      actorKind: ctx.actor.kind,
      ...(ctx.actor.name === undefined ? {} : { actorName: ctx.actor.name }),
      ...(ctx.actor.tokenId === undefined ? {} : { tokenId: ctx.actor.tokenId }),
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      ...(ctx.leaseEpoch === undefined ? {} : { leaseEpoch: ctx.leaseEpoch }),
      ...(ctx.agentAt === undefined ? {} : { agentAt: ctx.agentAt }),
    },
  }));
}
