import type { SqlDatabase } from "../../src/event-store/stored-event.ts";
import {
  NEW_DELIVERY_COLUMNS,
  type NewDelivery,
  newDeliveryValues,
} from "../../src/notifications/deliveries.ts";

/**
 * A delivery row as the notifier wrote it at fan-out before migration 0051 (`queued`, no attempt yet),
 * before the consumer's claim wrote the row: what a deploy finds in the table. Its queue message, if it
 * has one, names its id.
 */
export const insertQueuedDelivery = (db: SqlDatabase, d: NewDelivery): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO notification_deliveries (${NEW_DELIVERY_COLUMNS}, status, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?8) ON CONFLICT DO NOTHING`,
    )
    .bind(...newDeliveryValues(d));
