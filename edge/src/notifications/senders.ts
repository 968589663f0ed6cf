import type { SendDelivery } from "./deliver.ts";
import type { DeliveryRow } from "./deliveries.ts";
import { renderEmail } from "./email-templates.ts";
import { MAX_WEBHOOK_BODY_BYTES, webhookBody } from "./webhook-payloads.ts";
import { signWebhook } from "./webhook-signature.ts";
import { checkWebhookUrl, type ResolveHost } from "./webhook-url.ts";
import { readWebhook } from "./webhooks.ts";

/** How long a receiver may take to answer before the attempt counts as failed (and is retried). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** E-mail through the Email Service binding (`[[send_email]]`), from the deployment's sender. */
export function emailSender(input: {
  email: Pick<SendEmail, "send">;
  from: { email: string; name: string };
  appUrl: string;
}): SendDelivery {
  return async (row, content) => {
    const mail = renderEmail({ kind: row.kind, content, appUrl: input.appUrl });
    await input.email.send({
      from: input.from,
      to: content.to ? { email: row.target, name: content.to } : row.target,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  };
}

/**
 * A post to a tenant webhook in its format, signed (generic) over `timestamp.body`. The URL is checked
 * again before every send (a name may resolve elsewhere since it was saved); a receiver that does not
 * answer 2xx within the timeout fails this attempt.
 */
export function webhookSender(input: {
  db: D1Database;
  appUrl: string;
  allowLoopback: boolean;
  resolve: ResolveHost;
  clock: () => Date;
  fetch?: typeof fetch;
}): SendDelivery {
  const post = input.fetch ?? fetch;
  return async (row: DeliveryRow, content) => {
    const hook = await readWebhook(input.db, { tenantId: row.tenant_id, id: row.target });
    if (!hook) throw new Error("the webhook was deleted");
    const url = await checkWebhookUrl(hook.url, {
      allowLoopback: input.allowLoopback,
      resolve: input.resolve,
    });
    if (!url.ok) throw new Error(url.error.message);
    const body = webhookBody({
      format: hook.format,
      deliveryId: row.id,
      kind: row.kind,
      tenantId: row.tenant_id,
      content,
      appUrl: input.appUrl,
    });
    if (new TextEncoder().encode(body).byteLength > MAX_WEBHOOK_BODY_BYTES)
      throw new Error("payload too large");
    const timestamp = Math.floor(input.clock().getTime() / 1000);
    const signature = await signWebhook({ secret: hook.secret, body, timestamp });
    let response: Response;
    try {
      response = await post(url.value.toString(), {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Gantry-Webhooks/1", ...signature },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        error instanceof Error && error.name === "TimeoutError"
          ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
          : `could not reach the receiver: ${String(error)}`.slice(0, 300),
      );
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299)
      throw new Error(`the receiver answered ${response.status}`);
  };
}
