import { z } from "zod";
import type { EdgeClient } from "./edge-client.ts";
import { type Figure, figure } from "./stats.ts";

export interface D1CeilingOptions {
  /** synthetic requests per run; each run commits each of their 4 steps once */
  requests: number;
  runs: number;
  /** commits in flight at once */
  concurrency: number[];
}

const Step = z.object({
  shape: z.string(),
  commits: z.number(),
  rowsWritten: z.number(),
  statements: z.number(),
  ms: z.number(),
  commitP50Ms: z.number(),
  commitP99Ms: z.number(),
});
type Step = z.infer<typeof Step>;

/** One shape's figures at one concurrency, over the runs. */
export interface CommitShapeCeiling {
  commitsPerSecond: Figure;
  rowsPerCommit: number;
  /** SQL statements in the commit's batch, each one a query on D1's single thread */
  statementsPerCommit: number;
  commitP50Ms: Figure;
  commitP99Ms: Figure;
}

export interface D1CeilingLevel {
  concurrency: number;
  /** submit, approve, first-stage (the VM stream opens, the request turns PROVISIONING), ready */
  byShape: Record<string, CommitShapeCeiling>;
  /** every commit of a request's life, one after the other: what one database sustains of whole lifecycles */
  lifecyclesPerSecond: Figure;
  /** all commits of all shapes per second, and the rows they wrote per second */
  commitsPerSecond: Figure;
  rowsWrittenPerSecond: Figure;
  /** SQL statements per second: D1's published throughput is per query (about 1,000/s at 1 ms each) */
  statementsPerSecond: Figure;
  /** D1 rows the 4 commits of one synthetic request write together */
  rowsPerLifecycle: number;
}

export interface D1CeilingSummary {
  requestsPerRun: number;
  levels: D1CeilingLevel[];
}

const STEPS = 4;
/** requests per call: the dev route commits at most 500, and a call stays well inside a Worker's limits */
const PER_CALL = 200;

/**
 * Where one local D1 stops: the commits of synthetic request lifecycles through the real event store and
 * inline projections (dev route `/agent/dev/ceiling/commits`), step by step so every commit of a timed
 * call has the same shape, at each concurrency. Times are taken inside the Worker.
 */
export async function runD1Ceiling(client: EdgeClient, options: D1CeilingOptions): Promise<D1CeilingSummary> {
  const prefix = `ceil${Date.now().toString(36)}`;
  // synthetic VM names are bench-<index>, unique per tenant: every run takes indexes no other run took
  let base = 0;
  const levels: D1CeilingLevel[] = [];
  for (const concurrency of options.concurrency) {
    const runs: Step[][] = [];
    for (let run = 0; run < options.runs; run++) {
      const steps: Step[] = [];
      for (let from = 0; from < options.requests; from += PER_CALL) {
        const count = Math.min(PER_CALL, options.requests - from);
        for (let step = 0; step < STEPS; step++) {
          steps.push(
            await client.dev("POST", "/agent/dev/ceiling/commits", Step, {
              tenantId: "bench-ceiling",
              prefix,
              from: base + from,
              count,
              concurrency,
              step,
            }),
          );
        }
      }
      runs.push(steps);
      base += options.requests;
    }
    levels.push(summarizeLevel(concurrency, runs));
  }
  return { requestsPerRun: options.requests, levels };
}

function summarizeLevel(concurrency: number, runs: Step[][]): D1CeilingLevel {
  const shapes = [...new Set(runs.flat().map((s) => s.shape))];
  const total = (steps: Step[], pick: (s: Step) => number) => steps.reduce((n, s) => n + pick(s), 0);
  const byShape = Object.fromEntries(
    shapes.map((shape) => {
      const perRun = runs.map((steps) => steps.filter((s) => s.shape === shape));
      const all = perRun.flat();
      return [
        shape,
        {
          commitsPerSecond: figure(
            perRun.map((steps) => (total(steps, (s) => s.commits) / total(steps, (s) => s.ms)) * 1000),
            0,
          ),
          rowsPerCommit:
            Math.round((total(all, (s) => s.rowsWritten) / total(all, (s) => s.commits)) * 10) / 10,
          statementsPerCommit:
            Math.round((total(all, (s) => s.statements) / total(all, (s) => s.commits)) * 10) / 10,
          commitP50Ms: figure(perRun.map((steps) => Math.max(...steps.map((s) => s.commitP50Ms)))),
          commitP99Ms: figure(perRun.map((steps) => Math.max(...steps.map((s) => s.commitP99Ms)))),
        },
      ];
    }),
  );
  const seconds = (steps: Step[]) => total(steps, (s) => s.ms) / 1000;
  return {
    concurrency,
    byShape,
    lifecyclesPerSecond: figure(
      runs.map((steps) => total(steps, (s) => s.commits) / STEPS / seconds(steps)),
      0,
    ),
    commitsPerSecond: figure(
      runs.map((steps) => total(steps, (s) => s.commits) / seconds(steps)),
      0,
    ),
    rowsWrittenPerSecond: figure(
      runs.map((steps) => total(steps, (s) => s.rowsWritten) / seconds(steps)),
      0,
    ),
    statementsPerSecond: figure(
      runs.map((steps) => total(steps, (s) => s.statements) / seconds(steps)),
      0,
    ),
    rowsPerLifecycle:
      Math.round(
        (total(runs.flat(), (s) => s.rowsWritten) / (total(runs.flat(), (s) => s.commits) / STEPS)) * 10,
      ) / 10,
  };
}
