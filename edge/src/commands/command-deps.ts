import { createEventStore, type EventStore } from "../event-store/append-to-stream.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { INLINE_PROJECTIONS } from "../projections/inline-projections.ts";
import type { ChangeFeed } from "../tenant-feed/change-feed.ts";
import type { JobDispatcher } from "./job-dispatcher.ts";

/** Everything a command touches; time and ids are injected so tests control them. */
export interface CommandDeps {
  db: SqlDatabase;
  /** the log, with every inline projection kept in the same batch */
  store: EventStore;
  clock: () => Date;
  newId: () => string;
  /** the tenant's change feed, told about committed status changes in the background */
  feed: ChangeFeed;
  /** starts background work (the outbox relay, feed notifications) that may outlive the response, like `waitUntil` */
  defer: (work: () => Promise<unknown>) => void;
}

/** The one constructor of command deps; `deps.ts` feeds it the Worker's bindings, tests their doubles. */
export function createCommandDeps(input: {
  db: SqlDatabase;
  /** required, so no write path can forget to announce its changes by accident */
  feed: ChangeFeed;
  clock?: () => Date;
  newId?: () => string;
  defer?: (work: () => Promise<unknown>) => void;
}): CommandDeps {
  return {
    db: input.db,
    store: createEventStore(input.db, INLINE_PROJECTIONS),
    feed: input.feed,
    clock: input.clock ?? (() => new Date()),
    newId: input.newId ?? (() => crypto.randomUUID()),
    defer: input.defer ?? ((work) => void work()),
  };
}

/** Commands that hand a job to the site's agents (the approval, the outbox sweep) also need a dispatcher. */
export interface DispatchDeps extends CommandDeps {
  dispatcher: JobDispatcher;
}
