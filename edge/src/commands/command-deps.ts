import { createEventStore, type EventStore } from "../event-store/append-to-stream.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { INLINE_PROJECTIONS } from "../projections/inline-projections.ts";
import type { ChangeFeed } from "../tenant-feed/change-feed.ts";
import type { JobDispatcher } from "./job-dispatcher.ts";
import type { RelayDeps } from "./outbox-relay.ts";

/** Everything a use-case touches; time and ids are injected so tests control them. */
export interface WorkflowDeps extends RelayDeps {
  store: EventStore;
  newId: () => string;
  /** the tenant's change feed, told about committed status changes in the background */
  feed: ChangeFeed;
  /** starts background work (the outbox relay, feed notifications) that may outlive the response, like `waitUntil` */
  defer: (work: () => Promise<unknown>) => void;
}

export function createWorkflowDeps(input: {
  db: SqlDatabase;
  dispatcher: JobDispatcher;
  /** required, so no write path can forget to announce its changes by accident */
  feed: ChangeFeed;
  clock?: () => Date;
  newId?: () => string;
  defer?: (work: () => Promise<unknown>) => void;
}): WorkflowDeps {
  return {
    db: input.db,
    store: createEventStore(input.db, INLINE_PROJECTIONS),
    dispatcher: input.dispatcher,
    feed: input.feed,
    clock: input.clock ?? (() => new Date()),
    newId: input.newId ?? (() => crypto.randomUUID()),
    defer: input.defer ?? ((work) => void work()),
  };
}
