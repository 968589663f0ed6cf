import { encodeEvent } from "@gantry/shared/events/catalog";
import { err, ok, type Result } from "@gantry/shared/result";
import {
  EventStoreUnavailableError,
  type GuardRefusal,
  isTransientD1Error,
  type StreamVersionConflict,
} from "./event-store-errors.ts";
import { type InlineProjection, liveTables } from "./inline-projection.ts";
import type { NewEvent, RecordedEvent, SqlDatabase, StreamAppend } from "./stored-event.ts";

export interface Committed {
  streams: { streamId: string; version: number }[];
  /** sum of D1's `meta.rows_written` over the batch, index entries included; 0 for a replayed retry */
  rowsWritten: number;
  /** true when these exact events were already in the log (a retry after an ambiguous failure) */
  duplicate: boolean;
}

/**
 * A condition on the whole write: a statement that aborts the batch with `RAISE(ABORT, 'gantry:<name>')`
 * (through a trigger) when the condition fails, and writes nothing when it holds.
 */
export interface CommitGuard {
  name: string;
  statement: D1PreparedStatement;
}

export interface CommitInput {
  appends: readonly StreamAppend[];
  /** more writes that must commit with the events, e.g. outbox rows */
  sideEffects?: readonly D1PreparedStatement[];
  /** conditions checked in the same batch; a failed one refuses the commit with nothing written */
  guards?: readonly CommitGuard[];
}

export interface EventStore {
  /** Appends to one stream; see {@link EventStore.commit}. */
  append(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<AppendResult>;
  /**
   * The only write path of the log: inserts, inline projections and side effects run as one
   * `DB.batch()`, which D1 executes as one transaction. A stale expected version is a conflict with
   * nothing written; re-sending the same event ids after an ambiguous failure never duplicates.
   * @throws EventStoreUnavailableError when D1 fails for a reason other than a version conflict
   */
  commit(input: CommitInput): Promise<AppendResult>;
}

export type CommitRefusal = StreamVersionConflict | GuardRefusal;
export type AppendResult = Result<Committed, CommitRefusal>;

/** The guard whose abort message the error carries, if any. */
const refusedGuard = (error: unknown, guards: readonly CommitGuard[]): CommitGuard | undefined => {
  const message = String(error instanceof Error ? error.message : error);
  return guards.find((g) => message.includes(`gantry:${g.name}`));
};

const MAX_ATTEMPTS = 3;

const insertEvent = (db: SqlDatabase, event: RecordedEvent): D1PreparedStatement => {
  const stored = encodeEvent(event.event);
  return db
    .prepare(
      `INSERT INTO events (stream_id, version, event_id, type, schema_version, tenant_id, payload, metadata, occurred_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      event.streamId,
      event.version,
      event.eventId,
      stored.type,
      stored.schemaVersion,
      event.metadata.tenantId,
      stored.payload,
      JSON.stringify(event.metadata),
      event.occurredAt,
    );
};

const recorded = (append: StreamAppend): RecordedEvent[] =>
  append.events.map((e, i) => ({ ...e, streamId: append.streamId, version: append.expectedVersion + i + 1 }));

type Outcome =
  | { kind: "not-applied" }
  | { kind: "applied" }
  | { kind: "conflict"; conflict: StreamVersionConflict };

// after a failed batch, the log itself says what happened: our ids at our versions, other ids, or nothing
async function inspect(db: SqlDatabase, appends: readonly StreamAppend[]): Promise<Outcome> {
  let applied = 0;
  for (const append of appends) {
    // an append without events wrote nothing, so the log cannot tell whether "it" applied: with a
    // stale expected version it would read as applied and hide that the others did not
    if (append.events.length === 0) continue;
    const head = await db
      .prepare("SELECT COALESCE(MAX(version), 0) AS v FROM events WHERE stream_id = ?")
      .bind(append.streamId)
      .first<{ v: number }>();
    const actualVersion = head?.v ?? 0;
    if (actualVersion === append.expectedVersion) continue;
    const { results: after } = await db
      .prepare("SELECT event_id FROM events WHERE stream_id = ? AND version > ? ORDER BY version LIMIT ?")
      .bind(append.streamId, append.expectedVersion, append.events.length)
      .all<{ event_id: string }>();
    // later appends by others may follow ours; what matters is that ours sit right after the expected version
    const ours =
      after.length === append.events.length &&
      append.events.every((e, i) => after[i]?.event_id === e.eventId);
    if (!ours) {
      const { streamId, expectedVersion } = append;
      return {
        kind: "conflict",
        conflict: { code: "STREAM_VERSION_CONFLICT", streamId, expectedVersion, actualVersion },
      };
    }
    applied += 1;
  }
  return applied > 0 ? { kind: "applied" } : { kind: "not-applied" };
}

/** Builds the event store over a database and the inline projections every append must keep current. */
export function createEventStore(db: SqlDatabase, projections: readonly InlineProjection[]): EventStore {
  const target = liveTables(db);

  async function commit(input: CommitInput): Promise<AppendResult> {
    const streams = input.appends.map((a) => ({
      streamId: a.streamId,
      version: a.expectedVersion + a.events.length,
    }));
    const events = input.appends.flatMap(recorded);
    if (events.length === 0) return ok({ streams, rowsWritten: 0, duplicate: false });
    const guards = input.guards ?? [];
    const perEvent = projections.filter((p) => !p.projectCommit);
    const statements = [
      ...guards.map((g) => g.statement),
      ...events.flatMap((event) => [
        insertEvent(db, event),
        ...perEvent.flatMap((p) => p.project(event, target)),
      ]),
      ...projections.flatMap((p) => p.projectCommit?.(events, target) ?? []),
      ...(input.sideEffects ?? []),
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await db.batch(statements);
        const rowsWritten = results.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0);
        return ok({ streams, rowsWritten, duplicate: false });
      } catch (error) {
        const refused = refusedGuard(error, guards);
        if (refused) return err({ code: "GUARD_REFUSED", guard: refused.name });
        const outcome = await inspect(db, input.appends).catch((lost: unknown) => {
          // the log cannot even be asked: whether the batch landed is unknown, and only a retry with
          // the same event ids (which cannot duplicate) will tell
          throw new EventStoreUnavailableError(`append outcome unknown: ${String(error)}; ${String(lost)}`, {
            cause: error,
            retryable: isTransientD1Error(lost) || isTransientD1Error(error),
          });
        });
        if (outcome.kind === "applied") return ok({ streams, rowsWritten: 0, duplicate: true });
        if (outcome.kind === "conflict") return err(outcome.conflict);
        // nothing of ours is in the log: safe to send the very same batch again if D1 says transient
        const retryable = isTransientD1Error(error);
        if (!retryable || attempt >= MAX_ATTEMPTS) {
          throw new EventStoreUnavailableError(`append failed: ${String(error)}`, {
            cause: error,
            retryable,
          });
        }
      }
    }
  }

  return {
    commit,
    append: (streamId, expectedVersion, events) =>
      commit({ appends: [{ streamId, expectedVersion, events }] }),
  };
}
