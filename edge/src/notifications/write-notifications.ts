import type { SqlDatabase } from "../event-store/stored-event.ts";
import { deliveryId, unclaimedAmong } from "./deliveries.ts";
import { type DeliveryQueue, enqueueDeliveries } from "./delivery-queue.ts";
import type { FanOut } from "./fan-out.ts";

export interface NotificationWriterDeps {
  db: SqlDatabase;
  queue: DeliveryQueue;
  /** tells a person's open pages that their inbox changed (the bell); best effort */
  announceInbox: (tenantId: string, recipientIds: readonly string[]) => Promise<void>;
}

/**
 * Writes planned notifications in the order that makes a crash harmless. The deliveries go on the queue
 * first (those not claimed yet: a repeat of a notification already sent sends no message), then the
 * inbox rows commit in one batch with `alongside` (the notifier's checkpoint, when due). A crash between
 * the two leaves the checkpoint behind, so the next run makes the same notifications and enqueues them
 * again: the consumer claims each delivery by its id and sends it once. Then each person with a new inbox
 * row hears of it.
 */
export async function writeNotifications(
  deps: NotificationWriterDeps,
  planned: readonly FanOut[],
  alongside: readonly D1PreparedStatement[] = [],
): Promise<void> {
  const deliveries = planned.flatMap((p) => p.deliveries);
  const unclaimed = new Set(await unclaimedAmong(deps.db, deliveries.map(deliveryId)));
  await enqueueDeliveries(
    deps.queue,
    deliveries.filter((d) => unclaimed.has(deliveryId(d))).map((delivery) => ({ delivery })),
  );
  const statements = [...planned.flatMap((p) => p.inbox.map((entry) => entry.statement)), ...alongside];
  if (statements.length === 0) return;
  const results = await deps.db.batch(statements);
  let i = 0;
  for (const plan of planned) {
    const told = plan.inbox
      .filter((_, k) => (results[i + k]?.meta.changes ?? 0) > 0)
      .map((entry) => entry.recipientId);
    i += plan.inbox.length;
    if (told.length > 0) await deps.announceInbox(plan.tenantId, told);
  }
}
