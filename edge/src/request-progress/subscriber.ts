import { z } from "zod";

/** Carries the already-authorized viewer from the Worker to the object; browsers never set it. */
export const SUBSCRIBER_HEADER = "x-gantry-progress-subscriber";

/** Who is subscribing, as decided by the Worker after authenticating and authorizing the viewer. */
export const Subscriber = z
  .object({
    requestId: z.string().min(1).max(100),
    tenantId: z.string().min(1).max(100),
    viewerId: z.string().min(1).max(200),
    /** tenant admins see the technical detail of a failure */
    seesTechnicalDetail: z.boolean(),
    /** the cursor of the last frame the subscriber got (`epoch.seq`), or null for a fresh snapshot */
    after: z.string().max(60).nullable(),
  })
  .strict();
export type Subscriber = z.infer<typeof Subscriber>;

/** The WebSocket upgrade a Worker sends to the RequestProgress object for one subscriber. */
export function subscriberUpgrade(subscriber: Subscriber): Request {
  return new Request("https://request-progress.internal/connect", {
    headers: { Upgrade: "websocket", [SUBSCRIBER_HEADER]: JSON.stringify(subscriber) },
  });
}

/** Reads the subscriber from an upgrade; null when the header is missing or malformed. */
export function readSubscriber(request: Request): Subscriber | null {
  const raw = request.headers.get(SUBSCRIBER_HEADER);
  if (!raw) return null;
  try {
    const parsed = Subscriber.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
