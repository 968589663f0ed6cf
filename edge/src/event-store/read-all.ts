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
