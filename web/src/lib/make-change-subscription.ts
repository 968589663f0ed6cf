import {
  ChangeFrame,
  type InboxChange,
  parseFeedCursor,
  type RequestChange,
  type SiteChange,
  type VmChange,
} from "@gantry/shared/protocol/change-feed";
import { makeReconnectingStream, type OpenStream, type StreamTiming } from "./make-reconnecting-stream.ts";
import { TrackedEvent } from "./tracked-event.ts";

export type FeedConnection = "connecting" | "live" | "reconnecting" | "stopped";

/** What `trpc.requests.changes.subscribe` offers, narrowed to what we use; tests pass a fake. */
export type SubscribeChanges = OpenStream<{ lastEventId: string | null }>;

export interface ChangeSubscriptionOptions extends StreamTiming {
  subscribe: SubscribeChanges;
  onChange: (change: RequestChange) => void;
  /** admins only: a site's agents or job queue changed */
  onSite: (site: SiteChange) => void;
  /** a VM moved: an action asked for, a step, its end, a resize decided, drift, gone */
  onVm?: (vm: VmChange) => void;
  /** the signed-in person's inbox has something new (the bell) */
  onInbox?: (inbox: InboxChange) => void;
  /**
   * The stream starts here without a replay (the first connection, or a resume the feed could not
   * serve exactly): whatever changed before is unknown, so refetch what is on screen.
   */
  onSync: () => void;
  onConnection: (state: FeedConnection) => void;
  /** true for errors that will not go away by retrying (signed out) */
  isFatal: (error: unknown) => boolean;
}

/** a stream that stayed up this long was healthy: the next drop starts the backoff over */
const MIN_UPTIME_MS = 5000;

/**
 * Keeps the signed-in user's `requests.changes` subscription alive for as long as the app runs. Every
 * drop — an error, an early end, or the link noticing a lost stream — is retried after a full-jitter
 * delay from the last event id, so a tenant's browsers do not all come back in the same second after
 * a deploy. A fresh stream, or a resume the feed cannot serve exactly, starts with `sync`. Stops only
 * on a fatal error or `close()`; the caller must call `close()`.
 */
export function makeChangeSubscription(options: ChangeSubscriptionOptions): { close(): void } {
  let cursor: string | null = null;
  /** the link reported the current stream open */
  let opened = false;

  const onData = (value: unknown) => {
    const tracked = TrackedEvent.safeParse(value);
    if (!tracked.success) return "continue";
    const frame = ChangeFrame.safeParse(tracked.data.data);
    // frames from a newer protocol we cannot read are skipped; the next sync brings us back
    if (!frame.success) return "continue";
    if (parseFeedCursor(tracked.data.id)) cursor = tracked.data.id;
    options.onConnection("live");
    switch (frame.data.type) {
      case "change":
        options.onChange(frame.data.change);
        break;
      case "site":
        options.onSite(frame.data.site);
        break;
      case "vm":
        options.onVm?.(frame.data.vm);
        break;
      case "inbox":
        options.onInbox?.(frame.data.inbox);
        break;
      case "sync":
        options.onSync();
        break;
    }
    return "delivered";
  };

  return makeReconnectingStream({
    random: options.random,
    now: options.now,
    setTimer: options.setTimer,
    minUptimeMs: MIN_UPTIME_MS,
    open: (handlers, failures) => {
      opened = false;
      options.onConnection(cursor === null && failures === 0 ? "connecting" : "reconnecting");
      return options.subscribe({ lastEventId: cursor }, handlers);
    },
    onData,
    onError: (error) => {
      if (!options.isFatal(error)) return "retry";
      options.onConnection("stopped");
      return "stop";
    },
    // the feed never ends by itself: an end is an interruption like any other
    onComplete: () => "retry",
    onConnectionStateChange: (state) => {
      if (state === "pending") opened = true;
      // the link lost an open stream and would reconnect at once, without jitter: we do it instead
      else if (state === "connecting" && opened) return "retry";
      return "continue";
    },
    onRetry: () => options.onConnection("reconnecting"),
  });
}
