import { z } from "zod";

/** A queue message: only the delivery's id (its idempotency key); the row holds everything else. */
export const DeliveryMessage = z.object({ deliveryId: z.string().min(1).max(1000) }).strict();
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** The producer side of the NOTIFICATIONS queue (wrangler.toml `[[queues.producers]]`). */
export type DeliveryQueue = Pick<Queue<DeliveryMessage>, "sendBatch">;

/** Queue batches hold at most 100 messages. */
const SEND_BATCH = 100;

/** Puts deliveries on the queue; sending one twice is harmless (the consumer claims the row). */
export async function enqueueDeliveries(queue: DeliveryQueue, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await queue.sendBatch(ids.slice(i, i + SEND_BATCH).map((deliveryId) => ({ body: { deliveryId } })));
  }
}
