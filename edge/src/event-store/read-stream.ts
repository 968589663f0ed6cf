import { decodeRow, EVENT_COLUMNS, type EventRow } from "./decode-row.ts";
import type { SqlDatabase, StoredEvent } from "./stored-event.ts";

// pages keep each D1 response small however long a stream grows
const PAGE = 1000;

export interface LoadedStream {
  /** the stream's current version, counting events this deploy skipped; 0 when the stream is empty */
  version: number;
  events: StoredEvent[];
}

/** Reads one stream in version order, decoded and upcast. */
export async function readStream(db: SqlDatabase, streamId: string): Promise<LoadedStream> {
  const events: StoredEvent[] = [];
  let version = 0;
  for (;;) {
    const { results } = await db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version > ? ORDER BY version LIMIT ?`,
      )
      .bind(streamId, version, PAGE)
      .all<EventRow>();
    for (const row of results) {
      version = row.version;
      const event = decodeRow(row);
      if (event) events.push(event);
    }
    if (results.length < PAGE) return { version, events };
  }
}

/** A stream's current version without reading its events (0 when empty): for appends that decide nothing. */
export async function readStreamVersion(db: SqlDatabase, streamId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COALESCE(MAX(version), 0) AS v FROM events WHERE stream_id = ?")
    .bind(streamId)
    .first<{ v: number }>();
  return row?.v ?? 0;
}

/**
 * Reads a few short streams in one D1 call (a request and its VM: one round trip instead of two), each
 * in version order. Streams too long for one page are read again one by one.
 */
export async function readStreamsByVersion(
  db: SqlDatabase,
  streamIdList: readonly string[],
): Promise<Map<string, LoadedStream>> {
  const loaded = new Map<string, LoadedStream>(streamIdList.map((id) => [id, { version: 0, events: [] }]));
  if (streamIdList.length === 0) return loaded;
  const placeholders = streamIdList.map(() => "?").join(", ");
  const { results } = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id IN (${placeholders}) ORDER BY stream_id, version LIMIT ?`,
    )
    .bind(...streamIdList, PAGE)
    .all<EventRow>();
  if (results.length === PAGE) {
    const each = await Promise.all(streamIdList.map((id) => readStream(db, id)));
    return new Map(streamIdList.map((id, i) => [id, each[i] as LoadedStream]));
  }
  for (const row of results) {
    const stream = loaded.get(row.stream_id);
    if (!stream) continue;
    stream.version = row.version;
    const event = decodeRow(row);
    if (event) stream.events.push(event);
  }
  return loaded;
}

/** Reads a few short streams together in global order, e.g. a request and its VM for the timeline. */
export async function readStreams(db: SqlDatabase, streamIdList: readonly string[]): Promise<StoredEvent[]> {
  if (streamIdList.length === 0) return [];
  const placeholders = streamIdList.map(() => "?").join(", ");
  const { results } = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id IN (${placeholders}) ORDER BY position`)
    .bind(...streamIdList)
    .all<EventRow>();
  return results.map(decodeRow).filter((e): e is StoredEvent => e !== null);
}
