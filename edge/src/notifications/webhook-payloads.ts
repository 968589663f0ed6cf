import type { DeliveryContent } from "./deliveries.ts";
import type { WebhookFormat } from "./webhooks.ts";

/** Bodies larger than this are refused before they are sent (Slack and Teams take far less anyway). */
export const MAX_WEBHOOK_BODY_BYTES = 16 * 1024;

/** The JSON body of a post in the webhook's format. */
export function webhookBody(input: {
  format: WebhookFormat;
  deliveryId: string;
  kind: string;
  tenantId: string;
  content: DeliveryContent;
  appUrl: string;
}): string {
  const { content } = input;
  const url = content.link ? `${input.appUrl.replace(/\/+$/, "")}${content.link}` : null;
  const line = url ? `${content.title}\n${content.body}\n${url}` : `${content.title}\n${content.body}`;
  switch (input.format) {
    case "generic":
      return JSON.stringify({
        id: input.deliveryId,
        kind: input.kind,
        tenantId: input.tenantId,
        occurredAt: content.occurredAt,
        title: content.title,
        body: content.body,
        url,
        test: content.test ?? false,
      });
    // Slack incoming webhooks: `text` is required, mrkdwn
    case "slack":
      return JSON.stringify({
        text: url
          ? `*${content.title}*\n${content.body}\n<${url}|Open in Gantry>`
          : `*${content.title}*\n${content.body}`,
      });
    // Teams (incoming webhook / workflow): a MessageCard, which both accept
    case "teams":
      return JSON.stringify({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        summary: content.title,
        title: content.title,
        text: line,
        ...(url
          ? {
              potentialAction: [
                { "@type": "OpenUri", name: "Open in Gantry", targets: [{ os: "default", uri: url }] },
              ],
            }
          : {}),
      });
  }
}
