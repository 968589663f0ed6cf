import type { SqlDatabase } from "../../src/event-store/stored-event.ts";
import { advanceCheckpoint } from "../../src/notifications/checkpoint.ts";
import { NOTIFIER } from "../../src/notifications/notifier.ts";

// Edge files share one log in one workerd: a file that runs the notifier by hand starts it at the log's
// head, so its runs read its own events, as they did when each file had a log of its own, and not every
// earlier file's too.

/** The position of the log's last event (0 when empty). */
export async function logHead(db: SqlDatabase): Promise<number> {
  const row = await db
    .prepare("SELECT coalesce(max(position), 0) AS head FROM events")
    .first<{ head: number }>();
  return row?.head ?? 0;
}

/** Moves the notifier's checkpoint (forward only) to the log's head. */
export async function notifierFromHead(db: SqlDatabase): Promise<void> {
  await advanceCheckpoint(db, NOTIFIER, { position: await logHead(db), at: Date.now() }).run();
}
