import type { EdgeConfig } from "./edge-config.ts";

/** The part of Miniflare's D1 binding this module uses. */
export interface LocalD1 {
  prepare(sql: string): LocalD1Statement;
  batch(statements: LocalD1Statement[]): Promise<unknown>;
}
interface LocalD1Statement {
  bind(...values: unknown[]): LocalD1Statement;
  all<T>(): Promise<{ results: T[] }>;
}

// wrangler's bookkeeping table, so `wrangler d1 migrations apply --local` agrees with what ran here
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/**
 * Applies the D1 migrations not applied yet, each with its bookkeeping row in one batch (all or nothing),
 * then the demo tenants' onboarding and the demo seed (both idempotent) and `extra` statements. Runs through the edge's own D1 binding before
 * the edge answers anyone, so nothing else writes the database meanwhile.
 * @returns the names of the migrations it applied
 */
export async function prepareEdgeState(
  db: LocalD1,
  config: Pick<EdgeConfig, "migrations" | "seed">,
  options: {
    seed: boolean;
    extra?: readonly string[];
    /** onboards the demo tenants through the Worker's operator path: after the migrations, before the seed */
    onboard?: () => Promise<void>;
  },
): Promise<string[]> {
  await db.batch([db.prepare(MIGRATIONS_TABLE)]);
  const done = new Set(
    (await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map((r) => r.name),
  );
  const pending = config.migrations.filter((m) => !done.has(m.name));
  for (const migration of pending) {
    await db.batch([
      ...migration.statements.map((s) => db.prepare(s)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(migration.name),
    ]);
  }
  if (options.seed) await options.onboard?.();
  const data = [...(options.seed ? config.seed : []), ...(options.extra ?? [])];
  if (data.length > 0) await db.batch(data.map((s) => db.prepare(s)));
  return pending.map((m) => m.name);
}
