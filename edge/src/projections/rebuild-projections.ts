import type { InlineProjection, ProjectionTarget } from "../event-store/inline-projection.ts";
import { readAll } from "../event-store/read-all.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { INLINE_PROJECTIONS } from "./inline-projections.ts";

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** rows present in one table but not (identically) in the other */
  onlyInLive: number;
  onlyInRebuilt: number;
}

export interface RebuildReport {
  eventsReplayed: number;
  /** wall time of the replay into the shadow tables, and of their comparison with the live ones */
  replayMs: number;
  compareMs: number;
  tables: TableComparison[];
  equal: boolean;
  swapped: boolean;
}

export interface RebuildOptions {
  projections?: readonly InlineProjection[];
  /** replace the live tables with the rebuilt ones; otherwise only compare */
  swap?: boolean;
  /** events read per page of the log (their statements are written in batches of at most 900) */
  pageSize?: number;
  /** statements per D1 batch (default and maximum 900) */
  batchStatements?: number;
}

const shadowOf = (table: string) => `${table}__rebuild`;

/**
 * Statements per replay batch: each batch is one D1 transaction (one commit), so fewer, larger batches
 * replay faster; D1 caps a batch at 30 s and 1,000 statements.
 */
const MAX_BATCH_STATEMENTS = 900;

async function createShadow(db: SqlDatabase, table: string): Promise<void> {
  const row = await db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
    .bind(table)
    .first<{ sql: string }>();
  if (!row) throw new Error(`projection table ${table} does not exist`);
  // same columns, keys and order as the live table, so rows compare with EXCEPT
  const ddl = row.sql.replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE ${shadowOf(table)}`);
  await db.batch([db.prepare(`DROP TABLE IF EXISTS ${shadowOf(table)}`), db.prepare(ddl)]);
}

async function compare(db: SqlDatabase, table: string): Promise<TableComparison> {
  const shadow = shadowOf(table);
  const count = (sql: string) => db.prepare(`SELECT count(*) AS n FROM (${sql})`).first<{ n: number }>();
  const [live, rebuilt, onlyLive, onlyRebuilt] = await Promise.all([
    count(`SELECT * FROM ${table}`),
    count(`SELECT * FROM ${shadow}`),
    count(`SELECT * FROM ${table} EXCEPT SELECT * FROM ${shadow}`),
    count(`SELECT * FROM ${shadow} EXCEPT SELECT * FROM ${table}`),
  ]);
  return {
    table,
    liveRows: live?.n ?? 0,
    rebuiltRows: rebuilt?.n ?? 0,
    onlyInLive: onlyLive?.n ?? 0,
    onlyInRebuilt: onlyRebuilt?.n ?? 0,
  };
}

/**
 * Replays the whole log into fresh copies of the projection tables and compares them with the live
 * ones; with `swap`, the copies then replace the live contents in one batch. Run it while no appends
 * happen (events appended during a swapping rebuild would be missing until they are replayed again).
 */
export async function rebuildProjections(
  db: SqlDatabase,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const projections = options.projections ?? INLINE_PROJECTIONS;
  const tables = [...new Set(projections.flatMap((p) => p.tables))];
  for (const table of tables) await createShadow(db, table);

  const target: ProjectionTarget = { db, table: (name) => (tables.includes(name) ? shadowOf(name) : name) };
  const started = Date.now();
  const limit = options.pageSize ?? 500;
  const perBatch = Math.min(options.batchStatements ?? MAX_BATCH_STATEMENTS, MAX_BATCH_STATEMENTS);
  let eventsReplayed = 0;
  let page = await readAll(db, { after: 0, limit });
  for (;;) {
    const statements = page.events.flatMap((event) => projections.flatMap((p) => p.project(event, target)));
    // the next page is read while this one is written: decoding it overlaps D1's work
    const next = page.done ? null : readAll(db, { after: page.lastPosition, limit });
    // handled at once, so a failed read-ahead is not an unhandled rejection while the writes still run;
    // it is awaited (and thrown) below
    next?.catch(() => undefined);
    try {
      for (let i = 0; i < statements.length; i += perBatch) await db.batch(statements.slice(i, i + perBatch));
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
    eventsReplayed += page.events.length;
    if (!next) break;
    page = await next;
  }

  const replayed = Date.now();
  const comparisons = await Promise.all(tables.map((table) => compare(db, table)));
  const compareMs = Date.now() - replayed;
  const equal = comparisons.every((c) => c.onlyInLive === 0 && c.onlyInRebuilt === 0);
  const swap = options.swap === true;
  await db.batch(
    tables.flatMap((table) => [
      ...(swap
        ? [
            db.prepare(`DELETE FROM ${table}`),
            db.prepare(`INSERT INTO ${table} SELECT * FROM ${shadowOf(table)}`),
          ]
        : []),
      db.prepare(`DROP TABLE ${shadowOf(table)}`),
    ]),
  );
  return {
    eventsReplayed,
    replayMs: replayed - started,
    compareMs,
    tables: comparisons,
    equal,
    swapped: swap,
  };
}
