import { type DeliveryDeps, sendClaimed } from "./deliver.ts";
import { claimNewDelivery, type NewDelivery } from "./deliveries.ts";

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
  // claimed as the queue's consumer claims a delivery: the claim writes its row in the log
  const row = await claimNewDelivery(deps.db, { delivery, now: now.getTime(), holdMs: 60_000 });
  if (!row) return { ok: false, error: "the test is already being sent" };
  return sendClaimed(deps, row);
}
