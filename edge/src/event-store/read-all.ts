import { decodeRow, EVENT_COLUMNS, type EventRow } from "./decode-row.ts";
import type { SqlDatabase, StoredEvent } from "./stored-event.ts";

export interface LogPage {
  events: StoredEvent[];
  /** the last position read (including skipped events); pass it as `after` for the next page */
  lastPosition: number;
  done: boolean;
}

/** Reads the whole log in global order, one page after `after`. Used by projection rebuilds. */
export async function readAll(db: SqlDatabase, page: { after: number; limit: number }): Promise<LogPage> {
  const { results } = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
    .bind(page.after, page.limit)
    .all<EventRow>();
  const events = results.map(decodeRow).filter((e): e is StoredEvent => e !== null);
  return { events, lastPosition: results.at(-1)?.position ?? page.after, done: results.length < page.limit };
}

/**
 * Reads the log's events of some types in global order, one page after `after`, for a process manager
 * that acts on those alone (the notifier): the others are skipped in SQL, never decoded. A page that is
 * not full ends at the log's head as it was when read (same batch, so the same snapshot), so the reader's
 * checkpoint moves past the events it has no use for; writes are serialised, so nothing can appear
 * behind that head later.
 */
export async function readAllOf(
  db: SqlDatabase,
  page: { after: number; limit: number; types: readonly string[] },
): Promise<LogPage> {
  const [head, rows] = await db.batch([
    db.prepare("SELECT max(position) AS position FROM events"),
    db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events
         WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
      )
      .bind(page.after, JSON.stringify(page.types), page.limit),
  ]);
  const results = (rows?.results ?? []) as EventRow[];
  const events = results.map(decodeRow).filter((e): e is StoredEvent => e !== null);
  const full = results.length === page.limit;
  const headPosition = (head?.results[0] as { position: number | null } | undefined)?.position ?? page.after;
  const lastPosition = full ? (results.at(-1)?.position ?? page.after) : Math.max(page.after, headPosition);
  return { events, lastPosition, done: !full };
}
