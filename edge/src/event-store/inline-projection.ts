import type { RecordedEvent, SqlDatabase } from "./stored-event.ts";

/** Where a projection writes: the live tables, or the shadow copies a rebuild fills. */
export interface ProjectionTarget {
  db: SqlDatabase;
  /** maps a live table name to the one to write (itself, or its rebuild shadow) */
  table: (name: string) => string;
}

/**
 * A read model kept in the same D1 batch as the events it is built from. `project` must be a pure
 * function of the event (no clock, no reads), so replaying the log rebuilds the same rows.
 */
export interface InlineProjection {
  name: string;
  tables: readonly string[];
  project(event: RecordedEvent, target: ProjectionTarget): D1PreparedStatement[];
  /**
   * A commit's events at once, when the projection can write them in fewer statements than one event at a
   * time (and rows: D1 bills each). Must leave the same rows as `project` over the events in order. The
   * store runs it after every event of the commit is inserted and the other projections have run, so no
   * other projection may read this one's tables within a commit.
   */
  projectCommit?(events: readonly RecordedEvent[], target: ProjectionTarget): D1PreparedStatement[];
}

export const liveTables = (db: SqlDatabase): ProjectionTarget => ({ db, table: (name) => name });
