import {
  CreateWebhookInput,
  DELIVERY_STUCK_AFTER_MS,
  DeliveryListInput,
  InboxListInput,
  MarkReadInput,
  PreferenceInput,
} from "@gantry/shared/api/notifications";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { deliveryDeps } from "../../deps.ts";
import { parseVars } from "../../env.ts";
import { listDeliveries, requeueDelivery } from "../../notifications/deliveries.ts";
import { type DeliveryQueue, enqueueDeliveries } from "../../notifications/delivery-queue.ts";
import { countUnread, listInbox, markRead } from "../../notifications/inbox.ts";
import { readPreferences, setPreference } from "../../notifications/preferences.ts";
import { sendWebhookTest } from "../../notifications/webhook-test.ts";
import { checkWebhookUrl, resolveOverHttps } from "../../notifications/webhook-url.ts";
import { deleteWebhook, insertWebhook, listWebhooks } from "../../notifications/webhooks.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

/** Webhooks one tenant may keep. */
const MAX_WEBHOOKS = 10;
const WebhookId = z.object({ id: z.string().min(1).max(100) }).strict();

const randomSecret = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
};

/** The signed-in person's inbox and preferences; the tenant's webhooks and delivery log (admins). */
export const notificationsRouter = router({
  inbox: authedProcedure.input(InboxListInput).query(async ({ ctx, input }) => {
    const reader = { tenantId: ctx.principal.tenantId, userId: ctx.principal.userId };
    const [items, unread] = await Promise.all([
      listInbox(ctx.deps.db, reader, input),
      countUnread(ctx.deps.db, reader),
    ]);
    return { items, unread };
  }),

  unreadCount: authedProcedure.input(z.object({}).strict().prefault({})).query(async ({ ctx }) => ({
    unread: await countUnread(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      userId: ctx.principal.userId,
    }),
  })),

  /** Marks the caller's own notifications read; another person's ids change nothing. */
  markRead: authedProcedure.input(MarkReadInput).mutation(async ({ ctx, input }) => {
    const reader = { tenantId: ctx.principal.tenantId, userId: ctx.principal.userId };
    const marked = await markRead(ctx.deps.db, reader, {
      ids: input.ids,
      at: ctx.deps.clock().toISOString(),
    });
    return { marked };
  }),

  markAllRead: authedProcedure.input(z.object({}).strict().prefault({})).mutation(async ({ ctx }) => {
    const reader = { tenantId: ctx.principal.tenantId, userId: ctx.principal.userId };
    return {
      marked: await markRead(ctx.deps.db, reader, { ids: "all", at: ctx.deps.clock().toISOString() }),
    };
  }),

  preferences: authedProcedure
    .input(z.object({}).strict().prefault({}))
    .query(({ ctx }) =>
      readPreferences(ctx.deps.db, { tenantId: ctx.principal.tenantId, userId: ctx.principal.userId }),
    ),

  setPreference: authedProcedure.input(PreferenceInput).mutation(async ({ ctx, input }) => {
    await setPreference(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      userId: ctx.principal.userId,
      ...input,
    });
    return readPreferences(ctx.deps.db, { tenantId: ctx.principal.tenantId, userId: ctx.principal.userId });
  }),

  /** The tenant's webhooks; their secrets are shown only once, when created. */
  webhooks: adminProcedure
    .input(z.object({}).strict().prefault({}))
    .query(async ({ ctx }) =>
      (await listWebhooks(ctx.deps.db, ctx.principal.tenantId)).map(({ secret: _secret, ...hook }) => hook),
    ),

  createWebhook: adminProcedure.input(CreateWebhookInput).mutation(async ({ ctx, input }) => {
    const existing = await listWebhooks(ctx.deps.db, ctx.principal.tenantId);
    if (existing.length >= MAX_WEBHOOKS)
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `a tenant keeps at most ${MAX_WEBHOOKS} webhooks`,
      });
    const checked = await checkWebhookUrl(input.url, {
      allowLoopback: parseVars(ctx.env).WEBHOOK_LOOPBACK,
      resolve: resolveOverHttps,
    });
    if (!checked.ok)
      throw new TRPCError({ code: "BAD_REQUEST", message: `webhook URL: ${checked.error.message}` });
    const hook = {
      id: ctx.deps.newId(),
      tenantId: ctx.principal.tenantId,
      url: checked.value.toString(),
      format: input.format,
      secret: randomSecret(),
      createdAt: ctx.deps.clock().toISOString(),
      createdBy: ctx.principal.userId,
    };
    await insertWebhook(ctx.deps.db, hook);
    return { id: hook.id, url: hook.url, format: hook.format, secret: hook.secret };
  }),

  deleteWebhook: adminProcedure.input(WebhookId).mutation(async ({ ctx, input }) => {
    if (!(await deleteWebhook(ctx.deps.db, { tenantId: ctx.principal.tenantId, id: input.id })))
      throw new TRPCError({ code: "NOT_FOUND", message: "no such webhook" });
    return { deleted: true };
  }),

  /** Posts a test notification to the webhook now and answers what the receiver did. */
  testWebhook: adminProcedure.input(WebhookId).mutation(async ({ ctx, input }) => {
    const hooks = await listWebhooks(ctx.deps.db, ctx.principal.tenantId);
    if (!hooks.some((h) => h.id === input.id))
      throw new TRPCError({ code: "NOT_FOUND", message: "no such webhook" });
    return sendWebhookTest(deliveryDeps(ctx.env), {
      tenantId: ctx.principal.tenantId,
      webhookId: input.id,
      id: ctx.deps.newId(),
    });
  }),

  /** The tenant's delivery log: every e-mail and webhook post, its status, attempts and last error. */
  deliveries: adminProcedure.input(DeliveryListInput).query(async ({ ctx, input }) => {
    const rows = await listDeliveries(ctx.deps.db, { tenantId: ctx.principal.tenantId, ...input });
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      target: r.target,
      kind: r.kind,
      title: (JSON.parse(r.content) as { title?: string }).title ?? "",
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      sentAt: r.sent_at,
    }));
  }),

  /** Sends a failed, dead or stuck delivery again (through the queue, with its idempotency key). */
  retryDelivery: adminProcedure
    .input(z.object({ id: z.string().min(1).max(1000) }).strict())
    .mutation(async ({ ctx, input }) => {
      const now = ctx.deps.clock();
      const requeued = await requeueDelivery(ctx.deps.db, {
        tenantId: ctx.principal.tenantId,
        id: input.id,
        at: now.toISOString(),
        stuckBefore: new Date(now.getTime() - DELIVERY_STUCK_AFTER_MS).toISOString(),
      });
      if (!requeued)
        throw new TRPCError({ code: "NOT_FOUND", message: "no failed or stuck delivery with this id" });
      await enqueueDeliveries(ctx.env.NOTIFICATIONS as DeliveryQueue, [{ deliveryId: input.id }]);
      return { requeued: true };
    }),
});
