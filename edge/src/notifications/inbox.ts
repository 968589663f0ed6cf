import type { InboxItem, NotificationKind } from "@gantry/shared/api/notifications";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { NotificationText } from "./notification-rules.ts";

// The owner of the `notifications` table: a person's in-app inbox.

export interface NewInboxEntry extends NotificationText {
  id: string;
  tenantId: string;
  recipientId: string;
  kind: NotificationKind;
  sourceKey: string;
  createdAt: string;
}

/**
 * The inbox row's id: one per source, kind and recipient. With the source's time it is the row's key
 * (migration 0042), so writing the same notification again collides and writes nothing.
 */
export const inboxEntryId = (input: { sourceKey: string; kind: NotificationKind; recipientId: string }) =>
  `${input.sourceKey}|${input.kind}|${input.recipientId}`;

/** Writes an entry unless it is there already (a re-read of the same events writes nothing twice). */
export const insertInboxEntry = (db: SqlDatabase, e: NewInboxEntry): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO notifications (id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .bind(e.id, e.tenantId, e.recipientId, e.kind, e.sourceKey, e.title, e.body, e.link, e.createdAt);

interface InboxRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

/**
 * The kind of a row as this code names it. Migration 0043 split `request.decided`; the migration runs
 * before the new Worker replaces the old, and in between the old one may still write that kind, so a
 * reader maps it by the words the rule wrote.
 */
const currentKind = (row: InboxRow): NotificationKind => {
  if ((row.kind as string) !== "request.decided") return row.kind;
  return row.title.endsWith(" was rejected") ? "request.rejected" : "request.approved";
};

const toItem = (r: InboxRow): InboxItem => ({
  id: r.id,
  kind: currentKind(r),
  title: r.title,
  body: r.body,
  link: r.link,
  createdAt: r.created_at,
  readAt: r.read_at,
});

export interface Reader {
  tenantId: string;
  userId: string;
}

/**
 * How far back the unread count and the unread view look: a person's newest notifications, read through
 * the table's key. There is no unread index (migration 0044: it cost a written row per notification and
 * another per read), so this bound keeps the read the same size however old the inbox grows; an unread
 * notification older than the newest INBOX_WINDOW is still listed in the full view.
 */
export const INBOX_WINDOW = 1000;

/** A person's newest notifications (with `unreadOnly`, the unread ones among the newest INBOX_WINDOW). */
export async function listInbox(
  db: SqlDatabase,
  reader: Reader,
  options: { unreadOnly: boolean; limit: number },
): Promise<InboxItem[]> {
  const newest = `SELECT id, kind, title, body, link, created_at, read_at FROM notifications
       WHERE tenant_id = ? AND recipient_id = ? ORDER BY created_at DESC, id DESC`;
  const statement = options.unreadOnly
    ? db
        .prepare(
          `SELECT * FROM (${newest} LIMIT ?) WHERE read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?`,
        )
        .bind(reader.tenantId, reader.userId, INBOX_WINDOW, options.limit)
    : db.prepare(`${newest} LIMIT ?`).bind(reader.tenantId, reader.userId, options.limit);
  const { results } = await statement.all<InboxRow>();
  return results.map(toItem);
}

/** Unread notifications among the person's newest INBOX_WINDOW, so at most INBOX_WINDOW. */
export async function countUnread(db: SqlDatabase, reader: Reader): Promise<number> {
  const row = await db
    .prepare(
      `SELECT count(*) AS n FROM (
         SELECT read_at FROM notifications WHERE tenant_id = ? AND recipient_id = ?
         ORDER BY created_at DESC, id DESC LIMIT ?
       ) WHERE read_at IS NULL`,
    )
    .bind(reader.tenantId, reader.userId, INBOX_WINDOW)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Marks the reader's own notifications read; ids of anyone else's change nothing. */
export async function markRead(
  db: SqlDatabase,
  reader: Reader,
  input: { ids: readonly string[] | "all"; at: string },
): Promise<number> {
  const base =
    "UPDATE notifications SET read_at = ? WHERE tenant_id = ? AND recipient_id = ? AND read_at IS NULL";
  const statement =
    input.ids === "all"
      ? db.prepare(base).bind(input.at, reader.tenantId, reader.userId)
      : db
          .prepare(`${base} AND id IN (SELECT value FROM json_each(?))`)
          .bind(input.at, reader.tenantId, reader.userId, JSON.stringify(input.ids));
  const result = await statement.run();
  return result.meta.changes;
}
