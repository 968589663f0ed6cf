import { type ChangeFrame, parseChangeFrame } from "@gantry/shared/protocol/change-feed";
import { type FrameStream, socketFrames } from "../streams/socket-frames.ts";
import { tenantFeed } from "../stubs.ts";
import { type FeedSubscriber, feedSubscriberUpgrade } from "./feed-subscriber.ts";

/** The feed could not take the subscriber (unreachable, full, or another tenant's); retrying may help. */
export class FeedUnavailableError extends Error {
  readonly retryable = true;
}

/** The person already holds as many streams as one person may (MAX_FEED_SUBSCRIBERS_PER_PERSON). */
export class TooManyStreamsError extends Error {}

/**
 * Subscribes a Worker request to its tenant's feed over a WebSocket the object accepts with the
 * hibernation API: changes are pushed as they are published, and the object sleeps in between.
 * @throws TooManyStreamsError when the person holds too many streams already
 * @throws FeedUnavailableError when the object does not answer with a socket otherwise
 */
export async function openChangeStream(
  env: Pick<Env, "TENANT_FEED">,
  subscriber: FeedSubscriber,
  signal?: AbortSignal,
): Promise<FrameStream<ChangeFrame>> {
  let res: Response;
  try {
    res = await tenantFeed(env, subscriber.tenantId).fetch(feedSubscriberUpgrade(subscriber));
  } catch (error) {
    throw new FeedUnavailableError("tenant feed unreachable", { cause: error });
  }
  const ws = res.webSocket;
  if (res.status === 429) throw new TooManyStreamsError("too many live streams for this person");
  if (!ws) throw new FeedUnavailableError(`tenant feed answered ${res.status}`);
  ws.accept();
  return socketFrames(ws, parseChangeFrame, signal);
}
