import type { NotificationKind } from "@gantry/shared/api/notifications";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { contentOf, type NewDelivery } from "./deliveries.ts";
import { inboxEntryId, insertInboxEntry } from "./inbox.ts";
import type { NotificationText } from "./notification-rules.ts";
import { wantEmail } from "./preferences.ts";
import type { Recipient } from "./recipients.ts";
import { listWebhooks } from "./webhooks.ts";

/** One notification about to be written: what, about which source, to whom. */
export interface Notification {
  tenantId: string;
  kind: NotificationKind;
  /** the event id (or observation key) it tells about: with kind and recipient, its idempotency key */
  sourceKey: string;
  occurredAt: string;
  text: NotificationText;
  recipients: readonly Recipient[];
}

/** What a notification writes: inbox rows (D1), and deliveries (queue messages: the consumer writes their rows). */
export interface FanOut {
  tenantId: string;
  inbox: { recipientId: string; statement: D1PreparedStatement }[];
  deliveries: NewDelivery[];
}

/**
 * Who gets what: an inbox row per recipient (always), an e-mail per recipient who wants this kind by
 * e-mail, and a post per enabled tenant webhook. Every inbox row and delivery is keyed by source, kind
 * and target, so writing the same notification again writes nothing and sends nothing.
 */
export async function fanOut(db: SqlDatabase, n: Notification): Promise<FanOut> {
  const out: FanOut = { tenantId: n.tenantId, inbox: [], deliveries: [] };
  const createdAt = n.occurredAt;
  for (const r of n.recipients) {
    const id = inboxEntryId({ sourceKey: n.sourceKey, kind: n.kind, recipientId: r.userId });
    out.inbox.push({
      recipientId: r.userId,
      statement: insertInboxEntry(db, {
        id,
        tenantId: n.tenantId,
        recipientId: r.userId,
        kind: n.kind,
        sourceKey: n.sourceKey,
        createdAt,
        ...n.text,
      }),
    });
  }
  const emailed = await wantEmail(db, {
    tenantId: n.tenantId,
    kind: n.kind,
    userIds: n.recipients.map((r) => r.userId),
  });
  for (const r of n.recipients) {
    if (!emailed.has(r.userId) || !r.email.includes("@")) continue;
    out.deliveries.push(deliveryOf(n, { channel: "email", target: r.email, to: r.name }));
  }
  for (const hook of await listWebhooks(db, n.tenantId)) {
    if (hook.enabled) out.deliveries.push(deliveryOf(n, { channel: "webhook", target: hook.id }));
  }
  return out;
}

function deliveryOf(
  n: Notification,
  target: { channel: "email" | "webhook"; target: string; to?: string },
): NewDelivery {
  return {
    tenantId: n.tenantId,
    channel: target.channel,
    target: target.target,
    kind: n.kind,
    sourceKey: n.sourceKey,
    content: contentOf(n.text, {
      occurredAt: n.occurredAt,
      ...(target.to === undefined ? {} : { to: target.to }),
    }),
    createdAt: n.occurredAt,
  };
}
