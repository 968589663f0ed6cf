import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import type { CommitInput, Committed, EventStore } from "../event-store/append-to-stream.ts";
import type { GuardRefusal, StreamVersionConflict } from "../event-store/event-store-errors.ts";
import type { NewEvent, StreamAppend } from "../event-store/stored-event.ts";

/** What a command decided on the state it loaded. */
export type Decision<TValue> =
  /** write these events (and side effects) in one commit, then answer from what was committed */
  | { kind: "commit"; commit: CommitInput; answer: (committed: Committed) => TValue }
  /** nothing to write: an idempotent repeat (ok) or a refusal (err) */
  | { kind: "done"; result: Result<TValue, DomainError> };

export interface CommandHandler<TState, TValue> {
  /** reads the state to decide on (the streams the commit will append to) */
  load(): Promise<TState>;
  decide(state: TState): Decision<TValue> | Promise<Decision<TValue>>;
  /**
   * A state to try first without reading D1 (a cache): only a clean commit on it counts, anything else
   * (a repeat, a refusal, a conflict) is decided again on a fresh load.
   */
  hint?: TState | undefined;
  /** answers a conflict at once instead of deciding again (an admin acted on a version that is gone) */
  onConflict?: (conflict: StreamVersionConflict) => Result<TValue, DomainError>;
  /**
   * answers a commit a guard refused (a condition on the write failed; deciding again cannot help).
   * Required when the decision carries guards.
   */
  onRefused?: (refusal: GuardRefusal) => Result<TValue, DomainError>;
  /** fresh loads before a conflict is given up on; default 2 (one retry against the fresh state) */
  attempts?: number;
}

/** Nothing to write: answer with `result` (an idempotent repeat, or a refusal). */
export const done = <TValue>(result: Result<TValue, DomainError>): Decision<TValue> => ({
  kind: "done",
  result,
});

/**
 * The usual decision: append the decided events to one stream at the version it was loaded at, then
 * answer; with no events (an idempotent repeat) answer at once, writing nothing.
 */
export function appendTo<TValue>(
  stream: { streamId: string; version: number },
  events: readonly NewEvent[],
  options: { answer: (append: StreamAppend) => TValue; sideEffects?: readonly D1PreparedStatement[] },
): Decision<TValue> {
  const append: StreamAppend = { streamId: stream.streamId, expectedVersion: stream.version, events };
  const { answer, sideEffects = [] } = options;
  if (events.length === 0 && sideEffects.length === 0) return done(ok(answer(append)));
  return { kind: "commit", commit: { appends: [append], sideEffects }, answer: () => answer(append) };
}

/**
 * The one write path of every command: load → decide → append, where a stream that moved since the
 * load (another writer won) is decided again on the fresh state. Deciders stay pure; the commit is the
 * event store's, with its expected-version check and inline projections in one D1 batch.
 * @throws EventStoreUnavailableError when D1 fails otherwise (the caller decides whether to retry)
 */
export async function handleCommand<TState, TValue>(
  store: Pick<EventStore, "commit">,
  handler: CommandHandler<TState, TValue>,
): Promise<Result<TValue, DomainError>> {
  if (handler.hint !== undefined) {
    const decision = await handler.decide(handler.hint);
    if (decision.kind === "commit") {
      const committed = await store.commit(decision.commit);
      if (committed.ok) return ok(decision.answer(committed.value));
      if (committed.error.code === "GUARD_REFUSED") return refused(handler, committed.error);
    }
  }
  const attempts = handler.attempts ?? 2;
  for (let attempt = 1; ; attempt++) {
    const decision = await handler.decide(await handler.load());
    if (decision.kind === "done") return decision.result;
    const committed = await store.commit(decision.commit);
    if (committed.ok) return ok(decision.answer(committed.value));
    const refusal = committed.error;
    if (refusal.code === "GUARD_REFUSED") return refused(handler, refusal);
    if (handler.onConflict) return handler.onConflict(refusal);
    if (attempt >= attempts) return err({ code: "CONCURRENT_MODIFICATION", streamId: refusal.streamId });
  }
}

function refused<TState, TValue>(
  handler: CommandHandler<TState, TValue>,
  refusal: GuardRefusal,
): Result<TValue, DomainError> {
  if (handler.onRefused) return handler.onRefused(refusal);
  throw new Error(`commit refused by guard ${refusal.guard}, which its command does not answer`);
}
