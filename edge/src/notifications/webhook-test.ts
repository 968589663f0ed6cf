import { type DeliveryDeps, sendClaimed } from "./deliver.ts";
import { claimDelivery, deliveryId, insertDelivery, type NewDelivery, readDelivery } from "./deliveries.ts";

/**
 * The admin's "send test": one post to the webhook now, through the same sender (URL check, format,
 * signature, timeout) as real notifications, recorded in the delivery log. Answers what the receiver did.
 */
export async function sendWebhookTest(
  deps: DeliveryDeps,
  input: { tenantId: string; webhookId: string; id: string },
): Promise<{ ok: true } | { ok: false; error: string }> {
  const now = deps.clock();
  const delivery: NewDelivery = {
    tenantId: input.tenantId,
    channel: "webhook",
    target: input.webhookId,
    kind: "test",
    sourceKey: `test:${input.id}`,
    content: {
      title: "Test notification",
      body: "If you can read this, Gantry reaches this webhook.",
      link: null,
      occurredAt: now.toISOString(),
      test: true,
    },
    createdAt: now.toISOString(),
  };
  await insertDelivery(deps.db, delivery).run();
  const id = deliveryId(delivery);
  const claimed = await claimDelivery(deps.db, { id, now: now.getTime(), holdMs: 60_000 });
  const row = await readDelivery(deps.db, id);
  if (!claimed || !row) return { ok: false, error: "the test is already being sent" };
  return sendClaimed(deps, row);
}
