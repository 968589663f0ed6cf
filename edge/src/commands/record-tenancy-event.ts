import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { readStreamVersion } from "../event-store/read-stream.ts";
import { actorOf, type CommandContext, toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, handleCommand } from "./handle-command.ts";

/**
 * Who caused a tenancy fact: a person (signed in or through a token), an agent (its own enrolment or
 * rotation), or the edge itself.
 */
export type TenancyActor = CommandContext["actor"];

export const personActor = (principal: Principal): TenancyActor => actorOf(principal);

export type TenancyWriteError = { code: "CONCURRENT_MODIFICATION"; streamId: string };

/**
 * Records one fact of a tenant's sites, agents or people: the event on its stream and the table writes
 * that make it true (`sideEffects`) in one D1 batch, so the audit trail and the tables never disagree.
 * Nothing is decided on the stream's events, so a stream that moved is simply appended to again at its
 * new version (the same event id, so a retry never duplicates).
 * @throws EventStoreUnavailableError when D1 fails, including when a side effect's constraint aborts the
 *   batch (callers that guard with one say what that means)
 */
export async function recordTenancyEvent(
  deps: CommandDeps,
  input: {
    tenantId: string;
    streamId: string;
    event: TenancyEvent;
    actor: TenancyActor;
    sideEffects?: readonly D1PreparedStatement[];
  },
): Promise<Result<void, TenancyWriteError>> {
  const id = deps.newId();
  const ctx: CommandContext = {
    tenantId: input.tenantId,
    actor: input.actor,
    correlationId: id,
    causationId: null,
    occurredAt: deps.clock().toISOString(),
    eventId: () => id,
  };
  const events = toNewEvents([input.event], ctx);
  const written = await handleCommand(deps.store, {
    load: async () => ({
      streamId: input.streamId,
      version: await readStreamVersion(deps.db, input.streamId),
    }),
    decide: (stream) =>
      appendTo(stream, events, { answer: () => undefined, sideEffects: input.sideEffects ?? [] }),
    attempts: 3,
  });
  return written.ok ? ok(undefined) : err({ code: "CONCURRENT_MODIFICATION", streamId: input.streamId });
}
