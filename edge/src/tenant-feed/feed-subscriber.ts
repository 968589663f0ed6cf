import { z } from "zod";

/** Carries the already-authorized viewer from the Worker to the TenantFeed object; browsers never set it. */
export const FEED_SUBSCRIBER_HEADER = "x-gantry-feed-subscriber";

/** Who is subscribing, as decided by the Worker from the verified session (never from input). */
export const FeedSubscriber = z
  .object({
    tenantId: z.string().min(1).max(100),
    viewerId: z.string().min(1).max(200),
    /** tenant admins see every request's changes; members only their own */
    seesAll: z.boolean(),
    /** the cursor of the last frame the subscriber got (`epoch.seq`), or null to start from now */
    after: z.string().max(60).nullable(),
  })
  .strict();
export type FeedSubscriber = z.infer<typeof FeedSubscriber>;

/** The WebSocket upgrade a Worker sends to the TenantFeed object for one subscriber. */
export function feedSubscriberUpgrade(subscriber: FeedSubscriber): Request {
  return new Request("https://tenant-feed.internal/connect", {
    headers: { Upgrade: "websocket", [FEED_SUBSCRIBER_HEADER]: JSON.stringify(subscriber) },
  });
}

/** Reads the subscriber from an upgrade; null when the header is missing or malformed. */
export function readFeedSubscriber(request: Request): FeedSubscriber | null {
  const raw = request.headers.get(FEED_SUBSCRIBER_HEADER);
  if (!raw) return null;
  try {
    const parsed = FeedSubscriber.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
