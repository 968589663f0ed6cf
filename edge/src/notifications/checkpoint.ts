import type { SqlDatabase } from "../event-store/stored-event.ts";

// The owner of `notifier_checkpoint`: how far into the log a process manager has written its effects, and
// when that was stored.

/**
 * How far (in log positions) and how long a process manager may run ahead of its stored checkpoint
 * before it stores it again. Storing it on every run cost a written row per run (1.6 per request in
 * issue 18's burst); storing it this seldom costs what a crash makes the next run read again: the events
 * of at most this many positions or seconds, plus the page the crash cut, whose effects are keyed and
 * write nothing twice.
 */
export const CHECKPOINT_EVERY: CheckpointPolicy = { positions: 100, ms: 30_000 };

export interface CheckpointPolicy {
  positions: number;
  ms: number;
}

export interface StoredCheckpoint {
  position: number;
  /** epoch ms; 0 when it was never written, or before migration 0051 */
  writtenAt: number;
}

const readRow = (db: SqlDatabase, name: string) =>
  db
    .prepare("SELECT position, written_at FROM notifier_checkpoint WHERE name = ?")
    .bind(name)
    .first<{ position: number; written_at: string | null }>();

/**
 * The stored checkpoint of `name`. A process manager renamed with a change of what it reads starts, on its
 * first run, where its earlier name stood (`seededFrom`), and owns that position from then on: a run of the
 * earlier code still going during a deploy moves only the earlier name's.
 */
export async function readCheckpoint(
  db: SqlDatabase,
  name: string,
  options: { seededFrom?: string } = {},
): Promise<StoredCheckpoint> {
  let row = await readRow(db, name);
  if (!row && options.seededFrom) {
    await db
      .prepare(
        `INSERT INTO notifier_checkpoint (name, position, written_at)
         SELECT ?1, position, written_at FROM notifier_checkpoint WHERE name = ?2
         ON CONFLICT (name) DO NOTHING`,
      )
      .bind(name, options.seededFrom)
      .run();
    row = await readRow(db, name);
  }
  return {
    position: row?.position ?? 0,
    writtenAt: row?.written_at ? Date.parse(row.written_at) : 0,
  };
}

/** Whether a process manager that has handled the log up to `position` stores it now. */
export const checkpointDue = (
  every: CheckpointPolicy,
  stored: StoredCheckpoint,
  input: { position: number; now: number },
): boolean =>
  input.position > stored.position &&
  (input.position - stored.position >= every.positions || input.now - stored.writtenAt >= every.ms);

/** Moves the checkpoint forward only: a slower run that read less never moves it back (and writes nothing). */
export const advanceCheckpoint = (
  db: SqlDatabase,
  name: string,
  input: { position: number; at: number },
): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO notifier_checkpoint (name, position, written_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, written_at = excluded.written_at
       WHERE excluded.position > position`,
    )
    .bind(name, input.position, new Date(input.at).toISOString());
