import { z } from "zod";
import { NewDelivery } from "./deliveries.ts";

/**
 * A queue message. A new delivery travels whole: it has no row until the consumer claims it, so the
 * message is its only record until then. A delivery whose row exists (an admin's retry, the sweep's
 * re-send, a message a notifier sent before migration 0051) travels as its id alone.
 */
export const DeliveryMessage = z.union([
  z.object({ delivery: NewDelivery }).strict(),
  z.object({ deliveryId: z.string().min(1).max(1000) }).strict(),
]);
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** The producer side of the NOTIFICATIONS queue (wrangler.toml `[[queues.producers]]`). */
export type DeliveryQueue = Pick<Queue<DeliveryMessage>, "sendBatch">;

/** Queue batches hold at most 100 messages and 256 KB; each message is sized with room for its envelope. */
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 240_000;
const ENVELOPE_BYTES = 200;

const bytesOf = (message: DeliveryMessage) =>
  new TextEncoder().encode(JSON.stringify(message)).byteLength + ENVELOPE_BYTES;

/** Puts deliveries on the queue; sending one twice is harmless (the consumer claims it by its id). */
export async function enqueueDeliveries(
  queue: DeliveryQueue,
  messages: readonly DeliveryMessage[],
): Promise<void> {
  let batch: DeliveryMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = bytesOf(message);
    if (batch.length === SEND_BATCH_MESSAGES || (batch.length > 0 && bytes + size > SEND_BATCH_BYTES)) {
      await queue.sendBatch(batch.map((body) => ({ body })));
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch.map((body) => ({ body })));
}
