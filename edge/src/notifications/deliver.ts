import type { SqlDatabase } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import {
  claimDelivery,
  claimNewDelivery,
  DeliveryContent,
  type DeliveryRow,
  markDead,
  markFailed,
  markSent,
} from "./deliveries.ts";
import { DeliveryMessage } from "./delivery-queue.ts";

/** Sends one delivery on its channel; throws with a sentence for the delivery log when it did not go. */
export type SendDelivery = (row: DeliveryRow, content: DeliveryContent) => Promise<void>;

export interface DeliveryDeps {
  db: SqlDatabase;
  clock: () => Date;
  send: Readonly<Record<DeliveryRow["channel"], SendDelivery>>;
  /** the first retry's delay; each further one doubles it (capped) */
  retryBaseSeconds: number;
}

/** How long a consumer holds a claimed row: beyond the longest send (webhook timeout) with room. */
const CLAIM_MS = 60_000;
const MAX_RETRY_DELAY_S = 15 * 60;

export const retryDelaySeconds = (attempts: number, baseSeconds: number): number =>
  Math.min(MAX_RETRY_DELAY_S, baseSeconds * 2 ** Math.max(0, attempts - 1));

/**
 * The NOTIFICATIONS queue's consumer. Each message carries a new delivery (whose row its first claim
 * writes) or names an existing row; the row, not the message, says whether it still needs sending, so a
 * redelivered or duplicated message sends nothing twice. A failed send is retried by the queue with
 * exponential backoff; after the queue's max_retries it goes to the dead-letter queue (`deadLetters`).
 * One slow or failing target never holds up the other messages.
 */
export async function deliverBatch(batch: MessageBatch<unknown>, deps: DeliveryDeps): Promise<void> {
  await Promise.all(batch.messages.map((message) => deliverOne(message, deps)));
}

async function deliverOne(message: Message<unknown>, deps: DeliveryDeps): Promise<void> {
  const parsed = DeliveryMessage.safeParse(message.body);
  if (!parsed.success) {
    logEvent("warn", "notification message dropped: not a delivery", { id: message.id });
    message.ack();
    return;
  }
  const claim = { now: deps.clock().getTime(), holdMs: CLAIM_MS };
  const row =
    "delivery" in parsed.data
      ? await claimNewDelivery(deps.db, { delivery: parsed.data.delivery, ...claim })
      : await claimDelivery(deps.db, { id: parsed.data.deliveryId, ...claim });
  if (!row) {
    // sent, dead, gone, or another consumer holds it: this copy has nothing to do
    message.ack();
    return;
  }
  const outcome = await sendClaimed(deps, row);
  if (outcome.ok) {
    message.ack();
    return;
  }
  logEvent("warn", "notification delivery failed", {
    channel: row.channel,
    attempts: message.attempts,
    reason: outcome.error,
  });
  message.retry({ delaySeconds: retryDelaySeconds(message.attempts, deps.retryBaseSeconds) });
}

/** One attempt on a row this caller claimed: sent, or failed with the reason kept in the log. */
export async function sendClaimed(
  deps: Pick<DeliveryDeps, "db" | "clock" | "send">,
  row: DeliveryRow,
): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await deps.send[row.channel](row, DeliveryContent.parse(JSON.parse(row.content)));
    await markSent(deps.db, { id: row.id, at: deps.clock().toISOString() });
    return { ok: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await markFailed(deps.db, { id: row.id, at: deps.clock().toISOString(), error: reason });
    return { ok: false, error: reason };
  }
}

/** The dead-letter queue's consumer: the delivery is `dead` until an admin retries it. */
export async function deadLetters(
  batch: MessageBatch<unknown>,
  deps: Pick<DeliveryDeps, "db" | "clock">,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = DeliveryMessage.safeParse(message.body);
    if (parsed.success)
      await markDead(deps.db, {
        delivery: "delivery" in parsed.data ? parsed.data.delivery : parsed.data.deliveryId,
        at: deps.clock().toISOString(),
      });
    message.ack();
  }
}
