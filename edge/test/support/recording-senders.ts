import { env } from "cloudflare:workers";
import type { DeliveryDeps } from "../../src/notifications/deliver.ts";
import type { DeliveryRow } from "../../src/notifications/deliveries.ts";

/**
 * Consumer deps whose channels record what they were asked to send: the queue, the claim and the
 * delivery table are real; only the last hop (the mail server, the receiver) is a recording double,
 * which fails every send with `fail`.
 */
export function recordingDeliveryDeps(options: { fail?: string } = {}) {
  const sent: DeliveryRow[] = [];
  const send = async (row: DeliveryRow) => {
    if (options.fail) throw new Error(options.fail);
    sent.push(row);
  };
  const deps: DeliveryDeps = {
    db: env.DB,
    clock: () => new Date(),
    send: { email: send, webhook: send },
    retryBaseSeconds: 30,
  };
  return { deps, sent };
}
