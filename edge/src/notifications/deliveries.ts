import { NotificationKind } from "@gantry/shared/api/notifications";
import { z } from "zod";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { NotificationText } from "./notification-rules.ts";

// The owner of `notification_deliveries`: one row per notification and channel target, written when the
// queue's consumer first claims it (until then its queue message is the only record), whose id is the
// idempotency key of every queue message about it.

export const DeliveryChannel = z.enum(["email", "webhook"]);
export type DeliveryChannel = z.infer<typeof DeliveryChannel>;
/** `queued`: an admin asked for it again (or a notifier before migration 0051 made it); its message is on its way */
export type DeliveryStatus = "queued" | "sending" | "sent" | "failed" | "dead";

/** What is sent, fixed when the notification was made. */
export const DeliveryContent = z.object({
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  /** the recipient's name (e-mail) */
  to: z.string().optional(),
  occurredAt: z.string(),
  /** a webhook test, not a notification */
  test: z.boolean().optional(),
});
export type DeliveryContent = z.infer<typeof DeliveryContent>;

/** The table's limit on the stored content (migration 0036). */
const MAX_CONTENT_CHARS = 16_384;

/**
 * A delivery as the notifier makes it and its queue message carries it to the consumer, which writes it
 * as it claims it. Bounded as the table's constraints are (migration 0036), so a message the table would
 * refuse is dropped at the boundary with a clear log line instead of failing its batch.
 */
export const NewDelivery = z
  .object({
    tenantId: z.string().min(1).max(200),
    channel: DeliveryChannel,
    target: z.string().min(1).max(320),
    kind: z.union([NotificationKind, z.literal("test")]),
    sourceKey: z.string().min(1).max(300),
    content: DeliveryContent.refine((c) => JSON.stringify(c).length <= MAX_CONTENT_CHARS, "content too long"),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type NewDelivery = z.infer<typeof NewDelivery>;

/**
 * A delivery's id, the idempotency key of its queue messages: the same notification to the same target
 * always gets the same one. It starts with the tenant and the time, so the table's key orders each
 * tenant's deliveries by time and the log and the sweep read ranges of it: no second index (migration
 * 0046; D1 bills each index entry as a written row). No tenant id holds `|` (onboarding makes it the
 * tenant's slug), so no tenant's range holds another's; the log filters on the tenant as well.
 */
export const deliveryId = (d: Omit<NewDelivery, "content">) =>
  `${d.tenantId}|${d.createdAt}|${d.sourceKey}|${d.kind}|${d.channel}|${d.target}`;

/** The bounds of a tenant's ids. */
const idRange = (tenantId: string) => [`${tenantId}|`, `${tenantId}}`] as const;

/** The columns a new delivery fills, bound as ?1…?8 in this order by `newDeliveryValues`. */
export const NEW_DELIVERY_COLUMNS = "id, tenant_id, channel, target, kind, source_key, content, created_at";
export const newDeliveryValues = (d: NewDelivery) => [
  deliveryId(d),
  d.tenantId,
  d.channel,
  d.target,
  d.kind,
  d.sourceKey,
  JSON.stringify(d.content),
  d.createdAt,
];

export const contentOf = (
  text: NotificationText,
  extra: { occurredAt: string; to?: string },
): DeliveryContent => ({
  title: text.title,
  body: text.body,
  link: text.link,
  occurredAt: extra.occurredAt,
  ...(extra.to === undefined ? {} : { to: extra.to }),
});

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  channel: DeliveryChannel;
  target: string;
  kind: string;
  source_key: string;
  content: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

const COLUMNS =
  "id, tenant_id, channel, target, kind, source_key, content, status, attempts, last_error, created_at, updated_at, sent_at";

export async function readDelivery(db: SqlDatabase, id: string): Promise<DeliveryRow | null> {
  return db
    .prepare(`SELECT ${COLUMNS} FROM notification_deliveries WHERE id = ?`)
    .bind(id)
    .first<DeliveryRow>();
}

/**
 * Of these ids, the ones no consumer has claimed yet (no row): what a producer puts on the queue. One
 * already claimed has a row whose status decides what happens to it; a message more would only make the
 * consumer look at it again (a failed one early, ahead of the queue's backoff).
 */
export async function unclaimedAmong(db: SqlDatabase, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      "SELECT value AS id FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM notification_deliveries WHERE id = value)",
    )
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deliveries whose row exists but whose queue message may be gone, re-sent by the sweep: claimed by a
 * consumer that died mid-send (its message was acknowledged by the redelivery that found the live
 * claim), or `queued` before `before` and never picked up (an admin's retry whose send to the queue
 * failed; a row the notifier made before migration 0051, whose message was lost). A delivery without a
 * row needs no sweep: the notifier puts it on the queue before it moves its checkpoint, so a lost send
 * is sent again by the next run.
 * Only deliveries made since `since` are looked at, a range of each tenant's ids: the minute cron must
 * not read the whole table, which grows with every e-mail and webhook ever sent. (CROSS JOIN keeps the
 * tenants as the outer loop: SQLite's planner would otherwise scan the deliveries.)
 */
export async function strandedDeliveries(
  db: SqlDatabase,
  input: { since: string; before: string; now: number; limit: number },
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT d.id FROM tenants t CROSS JOIN notification_deliveries d
         ON d.id >= t.id || '|' || ? AND d.id < t.id || '}'
       WHERE (d.status = 'queued' AND d.updated_at < ?) OR (d.status = 'sending' AND d.claimed_until < ?) LIMIT ?`,
    )
    .bind(input.since, input.before, input.now, input.limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Which rows a consumer may take at `now` (a placeholder): waiting, failed, or held by a claim that ran
 * out (its consumer died).
 */
const claimable = (now: string) =>
  `(status IN ('queued', 'failed') OR (status = 'sending' AND claimed_until < ${now}))`;

/**
 * Takes a delivery for one send attempt, writing its row the first time (the claim is the row's INSERT:
 * one written row, where a row made at fan-out and claimed later cost two). Only one consumer holds it at
 * a time: a redelivered or repeated message of a row that is sent, dead, or held by a live claim gets
 * null, writes nothing and sends nothing. Answers the claimed row. (`all()`, not `first()`: the bench's
 * meter counts the rows a statement writes through `run`, `all` and `batch` only.)
 */
export async function claimNewDelivery(
  db: SqlDatabase,
  input: { delivery: NewDelivery; now: number; holdMs: number },
): Promise<DeliveryRow | null> {
  const { results } = await db
    .prepare(
      `INSERT INTO notification_deliveries (${NEW_DELIVERY_COLUMNS}, status, attempts, claimed_until, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'sending', 1, ?9, ?10)
       ON CONFLICT (id) DO UPDATE SET status = 'sending', claimed_until = ?9, attempts = attempts + 1, updated_at = ?10
       WHERE ${claimable("?11")} RETURNING ${COLUMNS}`,
    )
    .bind(
      ...newDeliveryValues(input.delivery),
      input.now + input.holdMs,
      new Date(input.now).toISOString(),
      input.now,
    )
    .all<DeliveryRow>();
  return results[0] ?? null;
}

/** Takes a delivery whose row exists (an admin's retry, the sweep's re-send) as `claimNewDelivery` does. */
export async function claimDelivery(
  db: SqlDatabase,
  input: { id: string; now: number; holdMs: number },
): Promise<DeliveryRow | null> {
  const { results } = await db
    .prepare(
      `UPDATE notification_deliveries SET status = 'sending', claimed_until = ?2, attempts = attempts + 1, updated_at = ?4
       WHERE id = ?1 AND ${claimable("?3")} RETURNING ${COLUMNS}`,
    )
    .bind(input.id, input.now + input.holdMs, input.now, new Date(input.now).toISOString())
    .all<DeliveryRow>();
  return results[0] ?? null;
}

export async function markSent(db: SqlDatabase, input: { id: string; at: string }): Promise<void> {
  await db
    .prepare(
      "UPDATE notification_deliveries SET status = 'sent', sent_at = ?, updated_at = ?, last_error = NULL, claimed_until = NULL WHERE id = ?",
    )
    .bind(input.at, input.at, input.id)
    .run();
}

/** An attempt failed: the row waits for the queue's retry. */
export async function markFailed(
  db: SqlDatabase,
  input: { id: string; at: string; error: string },
): Promise<void> {
  await db
    .prepare(
      "UPDATE notification_deliveries SET status = 'failed', last_error = ?, updated_at = ?, claimed_until = NULL WHERE id = ? AND status <> 'sent'",
    )
    .bind(input.error.slice(0, 500), input.at, input.id)
    .run();
}

/**
 * The queue gave up (dead-letter queue): the row waits for an admin's retry, keeping its last error. A
 * delivery no consumer ever claimed (its claims themselves failed) gets its row now, dead, so the log
 * shows it and the admin may send it: the message was its only record.
 */
export async function markDead(
  db: SqlDatabase,
  input: { delivery: NewDelivery | string; at: string },
): Promise<void> {
  const d = input.delivery;
  if (typeof d === "string") {
    await db
      .prepare(
        "UPDATE notification_deliveries SET status = 'dead', updated_at = ?, claimed_until = NULL WHERE id = ? AND status <> 'sent'",
      )
      .bind(input.at, d)
      .run();
    return;
  }
  await db
    .prepare(
      `INSERT INTO notification_deliveries (${NEW_DELIVERY_COLUMNS}, status, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'dead', ?9)
       ON CONFLICT (id) DO UPDATE SET status = 'dead', updated_at = ?9, claimed_until = NULL WHERE status <> 'sent'`,
    )
    .bind(...newDeliveryValues(d), input.at)
    .run();
}

/**
 * An admin's retry of a delivery of their tenant that is dead, failed or stuck (queued or sending, not
 * moved since `stuckBefore`: `DELIVERY_STUCK_AFTER_MS`): queued again.
 */
export async function requeueDelivery(
  db: SqlDatabase,
  input: { tenantId: string; id: string; at: string; stuckBefore: string },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE notification_deliveries SET status = 'queued', updated_at = ?, claimed_until = NULL
       WHERE id = ? AND tenant_id = ?
       AND (status IN ('dead', 'failed') OR (status IN ('queued', 'sending') AND updated_at < ?))`,
    )
    .bind(input.at, input.id, input.tenantId, input.stuckBefore)
    .run();
  return result.meta.changes === 1;
}

/** The tenant's delivery log, newest first: a range of the table's key. */
export async function listDeliveries(
  db: SqlDatabase,
  input: { tenantId: string; limit: number; status?: DeliveryStatus | undefined },
): Promise<DeliveryRow[]> {
  const [from, to] = idRange(input.tenantId);
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM notification_deliveries WHERE id > ? AND id < ? AND tenant_id = ?
       ${input.status ? "AND status = ?" : ""} ORDER BY id DESC LIMIT ?`,
    )
    .bind(
      ...(input.status
        ? [from, to, input.tenantId, input.status, input.limit]
        : [from, to, input.tenantId, input.limit]),
    )
    .all<DeliveryRow>();
  return results;
}
