import type { NotificationKind } from "@gantry/shared/api/notifications";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { contentOf, deliveryId, insertDelivery } from "./deliveries.ts";
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

/** The writes of a notification, and what to do once they committed. */
export interface FanOut {
  tenantId: string;
  statements: D1PreparedStatement[];
  /** per statement above: the person whose inbox it writes (null for a delivery row) */
  inboxOf: (string | null)[];
  deliveryIds: string[];
}

/**
 * Who gets what: an inbox row per recipient (always), an e-mail per recipient who wants this kind by
 * e-mail, and a post per enabled tenant webhook. Every row is keyed by source, kind and target, so
 * writing the same notification again writes nothing.
 */
export async function fanOut(db: SqlDatabase, n: Notification): Promise<FanOut> {
  const out: FanOut = { tenantId: n.tenantId, statements: [], inboxOf: [], deliveryIds: [] };
  const createdAt = n.occurredAt;
  for (const r of n.recipients) {
    const id = inboxEntryId({ sourceKey: n.sourceKey, kind: n.kind, recipientId: r.userId });
    out.statements.push(
      insertInboxEntry(db, {
        id,
        tenantId: n.tenantId,
        recipientId: r.userId,
        kind: n.kind,
        sourceKey: n.sourceKey,
        createdAt,
        ...n.text,
      }),
    );
    out.inboxOf.push(r.userId);
  }
  const emailed = await wantEmail(db, {
    tenantId: n.tenantId,
    kind: n.kind,
    userIds: n.recipients.map((r) => r.userId),
  });
  for (const r of n.recipients) {
    if (!emailed.has(r.userId) || !r.email.includes("@")) continue;
    addDelivery(db, out, n, { channel: "email", target: r.email, to: r.name });
  }
  for (const hook of await listWebhooks(db, n.tenantId)) {
    if (hook.enabled) addDelivery(db, out, n, { channel: "webhook", target: hook.id });
  }
  return out;
}

function addDelivery(
  db: SqlDatabase,
  out: FanOut,
  n: Notification,
  target: { channel: "email" | "webhook"; target: string; to?: string },
): void {
  const delivery = {
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
  out.statements.push(insertDelivery(db, delivery));
  out.inboxOf.push(null);
  out.deliveryIds.push(deliveryId(delivery));
}
