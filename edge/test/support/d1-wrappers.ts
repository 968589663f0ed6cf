import { statementKind } from "../../dev/d1-meter.ts";
import type { SqlDatabase } from "../../src/event-store/stored-event.ts";

/** Counts D1's `meta.rows_written` over every statement run through it (index entries included). */
export class MeteredD1 implements SqlDatabase {
  rowsWritten = 0;
  /** D1's `meta.rows_read` likewise (what a read costs, e.g. the quota check's sums) */
  rowsRead = 0;
  /** rows written by statement kind ("INSERT events", "UPDATE request_summary"), to say where they go */
  readonly byStatement: Record<string, number> = {};
  private readonly sqlOf = new WeakMap<D1PreparedStatement, string>();
  constructor(private readonly db: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    const statement = this.db.prepare(query);
    const meter = this;
    // run() outside batches (outbox marks) must be counted too
    return new Proxy(statement, {
      get(target, prop, receiver) {
        if (prop === "bind") {
          return (...values: unknown[]) => meter.wrapBound(target.bind(...values), query);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  private written(sql: string | undefined, rows: number): void {
    this.rowsWritten += rows;
    if (rows === 0) return;
    const kind = statementKind(sql);
    this.byStatement[kind] = (this.byStatement[kind] ?? 0) + rows;
  }

  private wrapBound(statement: D1PreparedStatement, query: string): D1PreparedStatement {
    this.sqlOf.set(statement, query);
    const run = statement.run.bind(statement);
    const all = statement.all.bind(statement);
    return Object.assign(statement, {
      run: async <T>() => {
        const result = await run<T>();
        this.written(query, result.meta.rows_written ?? 0);
        this.rowsRead += result.meta.rows_read ?? 0;
        return result;
      },
      // a statement with RETURNING writes through all() (the delivery claim)
      all: async <T>() => {
        const result = await all<T>();
        this.written(query, result.meta.rows_written ?? 0);
        this.rowsRead += result.meta.rows_read ?? 0;
        return result;
      },
      // first() carries no meta: read through all() so its rows are counted too (same row, same column)
      first: async <T>(column?: string) => {
        const result = await all<Record<string, unknown>>();
        this.rowsRead += result.meta.rows_read ?? 0;
        const row = result.results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : (row[column] ?? null)) as T;
      },
    });
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const results = await this.db.batch<T>(statements);
    for (const [i, r] of results.entries()) {
      const statement = statements[i];
      this.written(statement && this.sqlOf.get(statement), r.meta.rows_written ?? 0);
    }
    this.rowsRead += results.reduce((n, r) => n + (r.meta.rows_read ?? 0), 0);
    return results;
  }
}

/**
 * Commits the first batch and then throws as if the connection dropped: the ambiguous failure after
 * which a writer cannot know whether its append landed.
 */
export class LosesFirstResponseD1 implements SqlDatabase {
  failuresLeft = 1;
  batches = 0;
  constructor(private readonly db: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    return this.db.prepare(query);
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    this.batches += 1;
    const results = await this.db.batch<T>(statements);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error("D1_ERROR: Network connection lost.");
    }
    return results;
  }
}

/**
 * Throws at every batch that writes, without sending it, as a writer that died right before its D1 batch
 * (after whatever it did first, e.g. its queue send): nothing of the batch is written. Batches that only
 * read (the log's pages) go through.
 */
export class DiesBeforeWriteBatchD1 implements SqlDatabase {
  private readonly writes = new WeakSet<D1PreparedStatement>();
  constructor(private readonly db: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    const statement = this.db.prepare(query);
    const writes = statementKind(query) !== "other";
    const remember = (bound: D1PreparedStatement) => {
      if (writes) this.writes.add(bound);
      return bound;
    };
    return new Proxy(statement, {
      get(target, prop, receiver) {
        if (prop === "bind") return (...values: unknown[]) => remember(target.bind(...values));
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    if (statements.some((s) => this.writes.has(s))) throw new Error("the isolate died before its D1 batch");
    return this.db.batch<T>(statements);
  }
}

/** Counts round trips to D1: each batch, and each statement run on its own (all, first, run, raw). */
export class CallCountingD1 implements SqlDatabase {
  calls = 0;
  constructor(private readonly db: D1Database) {}

  prepare(query: string): D1PreparedStatement {
    const count =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        this.calls += 1;
        return call(...args);
      };
    const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(statement, {
        get(target, prop, receiver) {
          if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
          const value = Reflect.get(target, prop, receiver);
          const counted = prop === "all" || prop === "first" || prop === "run" || prop === "raw";
          return counted && typeof value === "function" ? count(value.bind(target)) : value;
        },
      });
    return wrap(this.db.prepare(query));
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    this.calls += 1;
    return this.db.batch<T>(statements);
  }
}

const LOST = "D1_ERROR: Network connection lost.";
const OVERLOADED = "D1_ERROR: D1 DB is overloaded. Requests queued for too long.";

/**
 * A D1 that misbehaves on cue, for the approval's fault cases:
 * - `loseNextAnswer()`: the next batch commits, then D1 is unreachable (every call throws) until
 *   `reconnect()` — the writer cannot even read the log to learn that its write landed;
 * - `overloaded = n`: the next n batches are refused as overloaded without committing anything.
 */
export class FlakyD1 implements SqlDatabase {
  overloaded = 0;
  batches = 0;
  #loseNext = false;
  #down = false;

  constructor(private readonly db: D1Database) {}

  loseNextAnswer(): void {
    this.#loseNext = true;
  }

  reconnect(): void {
    this.#down = false;
  }

  prepare(query: string): D1PreparedStatement {
    const guard =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        this.#down ? Promise.reject(new Error(LOST)) : call(...args);
    const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(statement, {
        get(target, prop, receiver) {
          if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
          const value = Reflect.get(target, prop, receiver);
          const io = prop === "all" || prop === "first" || prop === "run" || prop === "raw";
          return io && typeof value === "function" ? guard(value.bind(target)) : value;
        },
      });
    return wrap(this.db.prepare(query));
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    this.batches += 1;
    if (this.#down) throw new Error(LOST);
    if (this.overloaded > 0) {
      this.overloaded -= 1;
      throw new Error(OVERLOADED);
    }
    const results = await this.db.batch<T>(statements);
    if (this.#loseNext) {
      this.#loseNext = false;
      this.#down = true;
      throw new Error(LOST);
    }
    return results;
  }
}
