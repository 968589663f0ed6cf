import type { SqlDatabase } from "../event-store/stored-event.ts";

// The owner of `notifier_checkpoint`: how far into the log a process manager has written its effects.

export async function readCheckpoint(db: SqlDatabase, name: string): Promise<number> {
  const row = await db
    .prepare("SELECT position FROM notifier_checkpoint WHERE name = ?")
    .bind(name)
    .first<{ position: number }>();
  return row?.position ?? 0;
}

/** Moves the checkpoint forward only: a slower run that read less never moves it back. */
export const advanceCheckpoint = (db: SqlDatabase, name: string, position: number): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO notifier_checkpoint (name, position) VALUES (?1, ?2)
       ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)`,
    )
    .bind(name, position);
