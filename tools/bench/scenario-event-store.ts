import { z } from "zod";
import { mapLimit } from "./concurrency.ts";
import type { EdgeClient } from "./edge-client.ts";

export interface EventStoreOptions {
  /** events in the log before the rebuild */
  events: number;
  /** events appended the way the workflow commits them (one commit per command), in `runs` runs */
  measuredEvents: number;
  runs: number;
  rebuilds: number;
  /** lifecycles already appended by an earlier call on the same log (their names must not repeat) */
  lifecyclesBefore?: number;
}

export interface EventStoreResult {
  /** events/s of each measured run, one commit per command */
  appendPerRun: number[];
  commitsPerSecond: number[];
  /** events/s of each run of the fill, one commit per request lifecycle */
  fillPerRun: number[];
  rowsWrittenPerEvent: number;
  rebuildMs: number[];
  /** of each rebuild: the replay into fresh tables, then their comparison with the live ones */
  rebuildReplayMs: number[];
  rebuildCompareMs: number[];
  eventsReplayed: number;
  rebuildEqual: boolean;
}

const Appended = z.object({ events: z.number(), commits: z.number(), rowsWritten: z.number() });
const Rebuilt = z.object({
  ms: z.number(),
  report: z.object({
    eventsReplayed: z.number(),
    replayMs: z.number(),
    compareMs: z.number(),
    equal: z.boolean(),
  }),
});

const LIFECYCLES_PER_CALL = 100;
const EVENTS_PER_LIFECYCLE = 10;
const FILL_RUN_EVENTS = 10_000;

/**
 * Appends synthetic request lifecycles through the Worker's real event store and inline projections
 * (dev route): first as the workflow commits them, measured; then, to reach `events`, one commit per
 * lifecycle. Then times full projection rebuilds over the whole log.
 */
export async function runEventStore(
  client: EdgeClient,
  options: EventStoreOptions,
): Promise<EventStoreResult> {
  const prefix = `es${Date.now().toString(36)}`;
  let next = Math.ceil((options.lifecyclesBefore ?? 0) / LIFECYCLES_PER_CALL);
  let events = 0;
  let rows = 0;
  // two calls at once, four lifecycles at once in each: a few concurrent writers, as in production
  const appendRun = async (runEvents: number, shape: "commands" | "lifecycle") => {
    const calls = Array.from(
      { length: Math.ceil(runEvents / EVENTS_PER_LIFECYCLE / LIFECYCLES_PER_CALL) },
      () => next++ * LIFECYCLES_PER_CALL,
    );
    const started = performance.now();
    const results = await mapLimit(calls, 2, (from) =>
      client.dev("POST", "/agent/dev/bench/append", Appended, {
        tenantId: "bench-events",
        prefix,
        from,
        count: LIFECYCLES_PER_CALL,
        concurrency: 4,
        shape,
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const appended = results.reduce((n, x) => n + x.events, 0);
    events += appended;
    rows += results.reduce((n, x) => n + x.rowsWritten, 0);
    return {
      eventsPerSecond: appended / seconds,
      commitsPerSecond: results.reduce((n, x) => n + x.commits, 0) / seconds,
    };
  };

  const appendPerRun: number[] = [];
  const commitsPerSecond: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const run = await appendRun(options.measuredEvents / options.runs, "commands");
    appendPerRun.push(run.eventsPerSecond);
    commitsPerSecond.push(run.commitsPerSecond);
  }
  const fillPerRun: number[] = [];
  while (events < options.events) {
    const run = await appendRun(Math.min(FILL_RUN_EVENTS, options.events - events), "lifecycle");
    fillPerRun.push(run.eventsPerSecond);
  }

  const rebuildMs: number[] = [];
  const rebuildReplayMs: number[] = [];
  const rebuildCompareMs: number[] = [];
  let eventsReplayed = 0;
  let rebuildEqual = true;
  for (let i = 0; i < options.rebuilds; i++) {
    const rebuilt = await client.dev("POST", "/agent/dev/bench/rebuild", Rebuilt, {});
    rebuildMs.push(rebuilt.ms);
    rebuildReplayMs.push(rebuilt.report.replayMs);
    rebuildCompareMs.push(rebuilt.report.compareMs);
    eventsReplayed = rebuilt.report.eventsReplayed;
    rebuildEqual &&= rebuilt.report.equal;
  }
  return {
    appendPerRun,
    commitsPerSecond,
    fillPerRun,
    rowsWrittenPerEvent: Math.round((rows / events) * 100) / 100,
    rebuildMs,
    rebuildReplayMs,
    rebuildCompareMs,
    eventsReplayed,
    rebuildEqual,
  };
}
