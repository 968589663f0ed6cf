import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { CommitGuard } from "../event-store/append-to-stream.ts";
import { announceCommitted } from "../tenant-feed/change-feed.ts";
import type { CommandContext } from "./command-context.ts";
import { toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, type Decision } from "./handle-command.ts";
import type { LoadedVmRequest } from "./load-aggregates.ts";

/**
 * A decision on a request's own stream: its events appended at the version loaded, and once committed
 * the tenant's open lists told of the request's new status (in the background; see announceCommitted).
 */
export function appendToRequest<TValue>(
  deps: CommandDeps,
  input: {
    loaded: LoadedVmRequest;
    requestId: string;
    requesterId: string;
    events: readonly DomainEvent[];
    ctx: CommandContext;
    /** writes that commit with the events (the approval's outbox row) */
    sideEffects?: readonly D1PreparedStatement[];
    /** conditions of the write (an approval's quota guard); the command must answer their refusal */
    guards?: readonly CommitGuard[];
    answer: () => TValue;
  },
): Decision<TValue> {
  const { requestId, requesterId, ctx } = input;
  const decision = appendTo(input.loaded, toNewEvents(input.events, ctx), {
    ...(input.sideEffects === undefined ? {} : { sideEffects: input.sideEffects }),
    answer: (append) => {
      const value = input.answer();
      announceCommitted(deps, { tenantId: ctx.tenantId, requestId, requesterId, append });
      return value;
    },
  });
  if (decision.kind !== "commit" || !input.guards?.length) return decision;
  return { ...decision, commit: { ...decision.commit, guards: input.guards } };
}
