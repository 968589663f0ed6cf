import type { NotificationKind } from "@gantry/shared/api/notifications";
import { z } from "zod";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { NotificationText } from "./notification-rules.ts";

// The owner of `notification_deliveries`: one row per notification and channel target, whose id is the
// idempotency key of every queue message about it.

export type DeliveryChannel = "email" | "webhook";
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

export interface NewDelivery {
  tenantId: string;
  channel: DeliveryChannel;
  target: string;
  kind: NotificationKind | "test";
  sourceKey: string;
  content: DeliveryContent;
  createdAt: string;
}

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

export const insertDelivery = (db: SqlDatabase, d: NewDelivery): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO notification_deliveries (id, tenant_id, channel, target, kind, source_key, content, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT DO NOTHING`,
    )
    .bind(
      deliveryId(d),
      d.tenantId,
      d.channel,
      d.target,
      d.kind,
      d.sourceKey,
      JSON.stringify(d.content),
      d.createdAt,
      d.createdAt,
    );

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

/** Of these ids, the ones still waiting to be sent (what a producer puts on the queue). */
export async function queuedAmong(db: SqlDatabase, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      "SELECT id FROM notification_deliveries WHERE id IN (SELECT value FROM json_each(?)) AND status = 'queued'",
    )
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deliveries whose queue message was lost: queued before `before` and never picked up (the producer died
 * between its D1 batch and its queue send), or claimed by a consumer that died mid-send. Re-sent by the sweep.
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
 * Takes a delivery for one send attempt. Only one consumer holds it at a time: a redelivered message
 * of a row that is sent, dead, or held by a live claim gets false and sends nothing.
 */
export async function claimDelivery(
  db: SqlDatabase,
  input: { id: string; now: number; holdMs: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE notification_deliveries SET status = 'sending', claimed_until = ?, attempts = attempts + 1, updated_at = ?
       WHERE id = ? AND (status IN ('queued', 'failed') OR (status = 'sending' AND claimed_until < ?))`,
    )
    .bind(input.now + input.holdMs, new Date(input.now).toISOString(), input.id, input.now)
    .run();
  return result.meta.changes === 1;
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

/** The queue gave up (dead-letter queue): the row waits for an admin's retry, keeping its last error. */
export async function markDead(db: SqlDatabase, input: { id: string; at: string }): Promise<void> {
  await db
    .prepare(
      "UPDATE notification_deliveries SET status = 'dead', updated_at = ?, claimed_until = NULL WHERE id = ? AND status <> 'sent'",
    )
    .bind(input.at, input.id)
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
