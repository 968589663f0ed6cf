import { env } from "cloudflare:workers";
import { createCommandDeps, type DispatchDeps } from "../../src/commands/command-deps.ts";
import type { JobDispatcher } from "../../src/commands/job-dispatcher.ts";
import type { SqlDatabase } from "../../src/event-store/stored-event.ts";
import { type ChangeFeed, createChangeFeed } from "../../src/tenant-feed/change-feed.ts";
import { RecordingJobDispatcher } from "./recording-job-dispatcher.ts";

/** A clock tests move by hand: no sleeps, no real time. */
export class ManualClock {
  constructor(private current = new Date("2026-03-02T09:00:00.000Z")) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestWorkflow {
  deps: DispatchDeps;
  clock: ManualClock;
  dispatcher: RecordingJobDispatcher;
  /** awaits the background work (outbox relays, feed notifications) the use-cases deferred */
  settle(): Promise<void>;
}

export function testWorkflow(
  options: { db?: SqlDatabase; dispatcher?: JobDispatcher; feed?: ChangeFeed } = {},
): TestWorkflow {
  const clock = new ManualClock();
  const dispatcher = new RecordingJobDispatcher();
  const deferred: Promise<unknown>[] = [];
  const deps: DispatchDeps = {
    ...createCommandDeps({
      db: options.db ?? env.DB,
      // the real TenantFeed objects: they never touch D1, which the rows-written budget proves
      feed: options.feed ?? createChangeFeed(env),
      clock: clock.now,
      defer: (work) => deferred.push(work()),
    }),
    dispatcher: options.dispatcher ?? dispatcher,
  };
  return {
    deps,
    clock,
    dispatcher,
    settle: async () => {
      await Promise.all(deferred.splice(0));
    },
  };
}
