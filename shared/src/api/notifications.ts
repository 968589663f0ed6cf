import { z } from "zod";

// Notifications: what the edge tells people (inbox, e-mail, webhooks) and the API of the inbox,
// preferences, webhooks and the delivery log.

/**
 * Every kind of notification. A new one (lease warnings, reconciliation findings) is added here and
 * gets one line in the edge's rule table (edge/src/notifications/notification-rules.ts).
 */
export const NotificationKind = z.enum([
  /** a request waits for approval (→ the project's approvers) */
  "request.pending",
  /** approved by a person; not by e-mail unless chosen: READY or FAILED follows in minutes (→ the requester) */
  "request.approved",
  /** rejected, with the reason (→ the requester) */
  "request.rejected",
  /** READY with name and address (→ the requester) */
  "vm.ready",
  /** FAILED with the plain reason (→ the requester) */
  "vm.failed",
  /** a power, resize, snapshot or delete action on the VM ended (→ the owner) */
  "vm.action",
  /** the VM's lease: expiry warnings, powered off at expiry, deleted at the end of grace (→ the owner) */
  "vm.lease",
  /** the reconciliation scan no longer finds the VM in vCenter (→ the owner) */
  "vm.missing",
  /** provisioning stuck past its deadline, lost, or failing for a reason an admin must fix (→ tenant admins) */
  "job.failed",
  /** a failed cleanup left a half-built VM in vCenter (→ tenant admins) */
  "vm.leftover",
  /** an agent has been offline longer than the deployment allows (→ tenant admins) */
  "agent.offline",
  /** a second live session of one agent credential (→ tenant admins) */
  "agent.duplicate",
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** The channels a person chooses per kind; the inbox is always on (it is the record). */
export const PersonalChannel = z.enum(["email"]);
export type PersonalChannel = z.infer<typeof PersonalChannel>;

export const InboxItem = z.object({
  id: z.string(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  /** an app path: the request or VM it is about; null when it has no page */
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type InboxItem = z.infer<typeof InboxItem>;

export const InboxListInput = z
  .object({
    unreadOnly: z.boolean().default(false),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .strict()
  .prefault({});

export const MarkReadInput = z.object({ ids: z.array(z.string().min(1).max(300)).min(1).max(100) }).strict();

export const DeliveryStatus = z.enum(["queued", "sending", "sent", "failed", "dead"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/**
 * A delivery queued or sending that has not moved for this long is stuck: the queue's retries (five, at
 * most 15 minutes apart) are over, and the minute sweep only re-queues deliveries of the last day. An
 * admin may send it again, as a failed or dead one.
 */
export const DELIVERY_STUCK_AFTER_MS = 60 * 60_000;

/** Whether an admin may send a delivery again: it failed, gave up, or is stuck (above). */
export const mayRetryDelivery = (d: { status: DeliveryStatus; updatedAt: string }, now: number): boolean =>
  d.status === "dead" ||
  d.status === "failed" ||
  ((d.status === "queued" || d.status === "sending") &&
    Date.parse(d.updatedAt) < now - DELIVERY_STUCK_AFTER_MS);

export const DeliveryListInput = z
  .object({ status: DeliveryStatus.optional(), limit: z.number().int().min(1).max(200).default(100) })
  .strict()
  .prefault({});

export const WebhookFormat = z.enum(["generic", "slack", "teams"]);
export type WebhookFormat = z.infer<typeof WebhookFormat>;

export const CreateWebhookInput = z
  .object({ url: z.string().trim().min(1).max(2000), format: WebhookFormat })
  .strict();

export const PreferenceInput = z
  .object({ kind: NotificationKind, channel: PersonalChannel, enabled: z.boolean() })
  .strict();
