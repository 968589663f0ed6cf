import { z } from "zod";

/**
 * The bench's D1 meter: rows written by every statement this isolate sends, read from D1's own
 * `meta.rows_written` (which counts index and trigger writes too, as D1 bills them), with a breakdown by
 * what each statement writes — its target table, e.g. `INSERT events` — so a rise in rows per request
 * names its cause. The tally is isolate-global: right for one local workerd, where the Worker and the
 * Durable Objects share an isolate, meaningless in production (many isolates). Nothing is patched until
 * a dev request installs it.
 */

const Meta = z.object({ meta: z.object({ rows_written: z.number() }) });
const tally = { rowsWritten: 0, statements: 0, since: Date.now() };
/** rows written per statement kind ("INSERT events", "UPDATE request_summary", "other") */
const byStatement = new Map<string, { rows: number; statements: number }>();
const metered: string[] = [];
// wall time of each metered call (call → result), to tell time spent waiting on D1 from time spent elsewhere
const callMs: number[] = [];
const MAX_TIMINGS = 200_000;
/** each prepared (and bound) statement's SQL, for the breakdown */
const sqlOf = new WeakMap<object, string>();

const WRITE =
  /^\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)/i;

/** "INSERT events" for `INSERT OR IGNORE INTO events ...`; reads and anything else: "other". */
export function statementKind(sql: string | undefined): string {
  const match = sql ? WRITE.exec(sql) : null;
  if (!match?.[1] || !match[2]) return "other";
  return `${match[1].split(/\s+/)[0]?.toUpperCase()} ${match[2]}`;
}

const at = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;

function count(result: unknown, statements: readonly unknown[]): void {
  const results = Array.isArray(result) ? result : [result];
  for (const [i, r] of results.entries()) {
    const parsed = Meta.safeParse(r);
    if (!parsed.success) continue;
    const rows = parsed.data.meta.rows_written;
    tally.rowsWritten += rows;
    tally.statements += 1;
    if (rows === 0) continue;
    const statement = statements[i];
    const kind = statementKind(typeof statement === "object" && statement ? sqlOf.get(statement) : undefined);
    const seen = byStatement.get(kind) ?? { rows: 0, statements: 0 };
    byStatement.set(kind, { rows: seen.rows + rows, statements: seen.statements + 1 });
  }
}

type Method = (...args: unknown[]) => unknown;

function wrap(proto: object, name: string, wrapper: (original: Method) => Method): boolean {
  const original: unknown = Reflect.get(proto, name);
  // the binding's own method, called by the wrapper with the statement or database as `this`
  return typeof original === "function" && Reflect.set(proto, name, wrapper(original as Method));
}

/**
 * Wraps the binding's methods on their prototypes, once per isolate: `prepare`/`bind` remember each
 * statement's SQL; `batch`, `run` and `all` count. `first()` and `raw()` drop D1's meta and cannot be
 * counted; the edge only reads with them (a SELECT writes no rows).
 */
export function installD1Meter(db: D1Database): string[] {
  if (metered.length > 0) return metered;
  const dbProto: unknown = Object.getPrototypeOf(db);
  const statementProto: unknown = Object.getPrototypeOf(db.prepare("SELECT 1"));
  if (typeof dbProto !== "object" || !dbProto || typeof statementProto !== "object" || !statementProto)
    return metered;
  wrap(
    dbProto,
    "prepare",
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const statement: unknown = Reflect.apply(original, this, args);
        const sql = args[0];
        if (typeof statement === "object" && statement && typeof sql === "string") sqlOf.set(statement, sql);
        return statement;
      },
  );
  wrap(
    statementProto,
    "bind",
    (original) =>
      function (this: object, ...values: unknown[]) {
        const bound: unknown = Reflect.apply(original, this, values);
        const sql = sqlOf.get(this);
        if (typeof bound === "object" && bound && sql !== undefined) sqlOf.set(bound, sql);
        return bound;
      },
  );
  const timed =
    (statementsOf: (self: unknown, args: unknown[]) => readonly unknown[]) => (original: Method) =>
      async function (this: unknown, ...args: unknown[]): Promise<unknown> {
        const started = Date.now();
        const result: unknown = await Reflect.apply(original, this, args);
        if (callMs.length < MAX_TIMINGS) callMs.push(Date.now() - started);
        count(result, statementsOf(this, args));
        return result;
      };
  const targets: Array<[string, object, string, (self: unknown, args: unknown[]) => readonly unknown[]]> = [
    ["D1Database", dbProto, "batch", (_self, args) => (Array.isArray(args[0]) ? args[0] : [])],
    ["D1PreparedStatement", statementProto, "run", (self) => [self]],
    ["D1PreparedStatement", statementProto, "all", (self) => [self]],
  ];
  for (const [owner, proto, name, statementsOf] of targets)
    if (wrap(proto, name, timed(statementsOf))) metered.push(`${owner}.${name}`);
  return metered;
}

export function resetD1Meter(): void {
  Object.assign(tally, { rowsWritten: 0, statements: 0, since: Date.now() });
  byStatement.clear();
  callMs.length = 0;
}

/** The tally since the last reset, the breakdown largest first, and the calls' wall times. */
export function readD1Meter() {
  const sorted = [...callMs].sort((a, b) => a - b);
  const calls = { count: sorted.length, p50: at(sorted, 50), p95: at(sorted, 95), p99: at(sorted, 99) };
  const breakdown = [...byStatement.entries()]
    .map(([statement, v]) => ({ statement, ...v }))
    .sort((a, b) => b.rows - a.rows);
  return { ...tally, metered, callMs: calls, byStatement: breakdown };
}
