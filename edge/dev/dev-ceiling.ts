import { Hono } from "hono";
import { z } from "zod";
import type { EdgeEnv } from "../src/env.ts";
import { createEventStore } from "../src/event-store/append-to-stream.ts";
import type { SqlDatabase } from "../src/event-store/stored-event.ts";
import { INLINE_PROJECTIONS } from "../src/projections/inline-projections.ts";
import { type AppendInput, lifecycle } from "./dev-bench.ts";

/**
 * The D1 write ceiling for `npm run bench -- --only d1-ceiling`, mounted at `/agent/dev/ceiling` by the
 * dev Worker behind the guard of every dev route. One call commits ONE step of a batch of synthetic
 * request lifecycles (the commits `/agent/dev/bench/append` writes, in the same order) through the real
 * event store and inline projections, `concurrency` commits in flight at once, and times that step
 * inside the Worker: the bench calls steps 0…3 in order, so each step's streams are at the version the
 * previous step left them, and every commit of a call has the same shape.
 */

/** Step i of `lifecycle()`: what each of its 4 commits is in the product. */
export const COMMIT_STEPS = ["submit", "approve", "first-stage", "ready"] as const;

const CeilingInput = z.object({
  tenantId: z.string().regex(/^[a-z0-9-]{1,40}$/),
  prefix: z.string().regex(/^[A-Za-z0-9_]{1,40}$/),
  from: z.number().int().min(0),
  count: z.number().int().min(1).max(500),
  concurrency: z.number().int().min(1).max(64),
  step: z
    .number()
    .int()
    .min(0)
    .max(COMMIT_STEPS.length - 1),
});

const nearestRank = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

export const devCeilingRoutes = new Hono<EdgeEnv>().post("/commits", async (c) => {
  const input = CeilingInput.safeParse(await c.req.json().catch(() => null));
  if (!input.success) return c.json({ error: "INVALID_REQUEST", issues: input.error.issues }, 400);
  const { from, count, concurrency, step } = input.data;
  // lifecycle() reads only the tenant and the prefix; the other fields are /append's
  const synthetic: AppendInput = { ...input.data, concurrency: 1, shape: "commands" };
  // D1 runs a batch's statements one by one on its single thread: count them, to compare with D1's
  // published per-query throughput
  let statements = 0;
  const db: SqlDatabase = {
    prepare: (sql) => c.env.DB.prepare(sql),
    batch: (batched) => {
      statements += batched.length;
      return c.env.DB.batch(batched);
    },
  };
  const store = createEventStore(db, INLINE_PROJECTIONS);
  const commitMs: number[] = [];
  let rowsWritten = 0;
  // a refused commit (a step run out of order, a reused prefix) ends the call: the figures would lie
  let refused: string | null = null;
  let next = from;
  const end = from + count;
  const worker = async () => {
    for (let i = next++; i < end && refused === null; i = next++) {
      const commit = lifecycle(synthetic, i)[step];
      if (!commit) throw new Error(`no commit at step ${step}`);
      const started = Date.now();
      const committed = await store.commit(commit);
      commitMs.push(Date.now() - started);
      if (committed.ok) rowsWritten += committed.value.rowsWritten;
      else refused = committed.error.code;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = Date.now() - started;
  if (refused !== null) return c.json({ error: "COMMIT_REFUSED", code: refused }, 409);
  const sorted = commitMs.sort((a, b) => a - b);
  return c.json({
    shape: COMMIT_STEPS[step],
    commits: count,
    rowsWritten,
    statements,
    ms,
    commitP50Ms: nearestRank(sorted, 50),
    commitP99Ms: nearestRank(sorted, 99),
  });
});
