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
}

export const liveTables = (db: SqlDatabase): ProjectionTarget => ({ db, table: (name) => name });
