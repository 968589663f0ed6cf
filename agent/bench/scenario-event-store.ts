import { z } from "zod";
import { mapLimit } from "./concurrency.ts";
import type { EdgeClient } from "./edge-client.ts";

export interface EventStoreOptions {
  /** events to append in all; each synthetic request's lifecycle is 10 events in 7 commits */
  events: number;
  /** events per measured run (the append figure's spread is over these) */
  eventsPerRun: number;
  rebuilds: number;
}

export interface EventStoreResult {
  /** events/s of each run */
  appendPerRun: number[];
  commitsPerSecond: number[];
  rowsWrittenPerEvent: number;
  /** ms of each full rebuild, with how many events it replayed and whether it matched the live tables */
  rebuildMs: number[];
  eventsReplayed: number;
  rebuildEqual: boolean;
}

const Appended = z.object({ events: z.number(), commits: z.number(), rowsWritten: z.number() });
const Rebuilt = z.object({
  ms: z.number(),
  report: z.object({ eventsReplayed: z.number(), equal: z.boolean() }),
});

const LIFECYCLES_PER_CALL = 100;
const EVENTS_PER_LIFECYCLE = 10;

/**
 * Appends synthetic lifecycles through the Worker's real event store (dev route), in runs of
 * `eventsPerRun` events, then times full projection rebuilds over the whole log.
 */
export async function runEventStore(
  client: EdgeClient,
  options: EventStoreOptions,
): Promise<EventStoreResult> {
  const prefix = `es${Date.now().toString(36)}`;
  const perRun = Math.ceil(options.eventsPerRun / EVENTS_PER_LIFECYCLE / LIFECYCLES_PER_CALL);
  const runs = Math.ceil(options.events / options.eventsPerRun);
  const appendPerRun: number[] = [];
  const commitsPerSecond: number[] = [];
  let events = 0;
  let rows = 0;
  let next = 0;
  for (let r = 0; r < runs; r++) {
    const calls = Array.from({ length: perRun }, () => next++ * LIFECYCLES_PER_CALL);
    const started = performance.now();
    // two calls at once, four lifecycles at once in each: a few concurrent writers, as in production
    const results = await mapLimit(calls, 2, (from) =>
      client.dev("POST", "/agent/dev/bench/append", Appended, {
        tenantId: "bench-events",
        prefix,
        from,
        count: LIFECYCLES_PER_CALL,
        concurrency: 4,
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const runEvents = results.reduce((n, x) => n + x.events, 0);
    events += runEvents;
    rows += results.reduce((n, x) => n + x.rowsWritten, 0);
    appendPerRun.push(runEvents / seconds);
    commitsPerSecond.push(results.reduce((n, x) => n + x.commits, 0) / seconds);
  }

  const rebuildMs: number[] = [];
  let eventsReplayed = 0;
  let rebuildEqual = true;
  for (let i = 0; i < options.rebuilds; i++) {
    const rebuilt = await client.dev("POST", "/agent/dev/bench/rebuild", Rebuilt, {});
    rebuildMs.push(rebuilt.ms);
    eventsReplayed = rebuilt.report.eventsReplayed;
    rebuildEqual &&= rebuilt.report.equal;
  }
  return {
    appendPerRun,
    commitsPerSecond,
    rowsWrittenPerEvent: Math.round((rows / events) * 100) / 100,
    rebuildMs,
    eventsReplayed,
    rebuildEqual,
  };
}
