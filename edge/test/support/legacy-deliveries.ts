import type { SqlDatabase } from "../../src/event-store/stored-event.ts";
import { deliveryId, type NewDelivery } from "../../src/notifications/deliveries.ts";

/**
 * A delivery row as the notifier wrote it at fan-out before migration 0051 (`queued`, no attempt yet),
 * before the consumer's claim wrote the row: what a deploy finds in the table. Its queue message, if it
 * has one, names its id.
 */
export const insertQueuedDelivery = (db: SqlDatabase, d: NewDelivery): D1PreparedStatement =>
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
