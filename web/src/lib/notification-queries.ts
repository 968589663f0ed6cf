import type { NotificationKind, PersonalChannel, WebhookFormat } from "@gantry/shared/api/notifications";
import { action, query } from "@solidjs/router";
import { trpc } from "./trpc.ts";

// the inbox, preferences, webhooks and delivery log; refetched when the feed pushes an `inbox` frame

export const getInbox = query(() => trpc.notifications.inbox.query({}), "notifications.inbox");
/** The bell's count; a pushed `inbox` frame (or a `sync`) refetches it. */
export const getUnreadCount = query(
  () => trpc.notifications.unreadCount.query({}),
  "notifications.unreadCount",
);

export const markReadAction = action(
  (ids: string[]) => trpc.notifications.markRead.mutate({ ids }),
  "notifications.markRead",
);
export const markAllReadAction = action(
  () => trpc.notifications.markAllRead.mutate({}),
  "notifications.markAllRead",
);

export const getPreferences = query(
  () => trpc.notifications.preferences.query({}),
  "notifications.preferences",
);
export const setPreferenceAction = action(
  (input: { kind: NotificationKind; channel: PersonalChannel; enabled: boolean }) =>
    trpc.notifications.setPreference.mutate(input),
  "notifications.setPreference",
);

export const getWebhooks = query(() => trpc.notifications.webhooks.query({}), "notifications.webhooks");
export const createWebhookAction = action(
  (input: { url: string; format: WebhookFormat }) => trpc.notifications.createWebhook.mutate(input),
  "notifications.createWebhook",
);
export const deleteWebhookAction = action(
  (id: string) => trpc.notifications.deleteWebhook.mutate({ id }),
  "notifications.deleteWebhook",
);
export const testWebhookAction = action(
  (id: string) => trpc.notifications.testWebhook.mutate({ id }),
  "notifications.testWebhook",
);

export const getDeliveries = query(() => trpc.notifications.deliveries.query({}), "notifications.deliveries");
export const retryDeliveryAction = action(
  (id: string) => trpc.notifications.retryDelivery.mutate({ id }),
  "notifications.retryDelivery",
);
