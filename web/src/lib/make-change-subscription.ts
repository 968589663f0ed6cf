import {
  ChangeFrame,
  parseFeedCursor,
  type RequestChange,
  type SiteChange,
} from "@gantry/shared/protocol/change-feed";
import { z } from "zod";

export type FeedConnection = "connecting" | "live" | "reconnecting" | "stopped";

/** What `trpc.requests.changes.subscribe` offers, narrowed to what we use; tests pass a fake. */
export type SubscribeChanges = (
  input: { lastEventId: string | null },
  handlers: {
    onData: (value: unknown) => void;
    onError: (error: unknown) => void;
    onComplete: () => void;
    onConnectionStateChange: (state: "idle" | "connecting" | "pending") => void;
  },
) => { unsubscribe: () => void };

export interface ChangeSubscriptionOptions {
  subscribe: SubscribeChanges;
  onChange: (change: RequestChange) => void;
  /** admins only: a site's agents or job queue changed */
  onSite: (site: SiteChange) => void;
  /**
   * The stream starts here without a replay (the first connection, or a resume the feed could not
   * serve exactly): whatever changed before is unknown, so refetch what is on screen.
   */
  onSync: () => void;
  onConnection: (state: FeedConnection) => void;
  /** true for errors that will not go away by retrying (signed out) */
  isFatal: (error: unknown) => boolean;
  random?: () => number;
  now?: () => number;
  /** schedules `fn` and returns its cancel function; tests pass a fake */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

// tracked() events arrive as { id, data }; the frame itself is validated with the shared schema
const Tracked = z.object({ id: z.string(), data: z.unknown() });

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;
const MIN_DELAY_MS = 250;
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
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    });
  let cursor: string | null = null;
  let current: { unsubscribe: () => void } | null = null;
  let generation = 0;
  let attempt = 0;
  let openedAt: number | null = null;
  let stopped = false;
  let cancelRetry: (() => void) | null = null;

  const drop = () => {
    current?.unsubscribe();
    current = null;
  };

  const retryLater = () => {
    drop();
    generation += 1;
    if (openedAt !== null && now() - openedAt >= MIN_UPTIME_MS) attempt = 0;
    openedAt = null;
    attempt += 1;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
    options.onConnection("reconnecting");
    cancelRetry = setTimer(start, Math.max(MIN_DELAY_MS, Math.floor(random() * ceiling)));
  };

  const onData = (value: unknown) => {
    const tracked = Tracked.safeParse(value);
    if (!tracked.success) return;
    const frame = ChangeFrame.safeParse(tracked.data.data);
    // frames from a newer protocol we cannot read are skipped; the next sync brings us back
    if (!frame.success) return;
    if (parseFeedCursor(tracked.data.id)) cursor = tracked.data.id;
    openedAt ??= now();
    options.onConnection("live");
    switch (frame.data.type) {
      case "change":
        options.onChange(frame.data.change);
        return;
      case "site":
        options.onSite(frame.data.site);
        return;
      case "sync":
        options.onSync();
        return;
    }
  };

  function start() {
    if (stopped) return;
    cancelRetry = null;
    const mine = ++generation;
    const live = () => mine === generation && !stopped;
    let opened = false;
    options.onConnection(cursor === null && attempt === 0 ? "connecting" : "reconnecting");
    current = options.subscribe(
      { lastEventId: cursor },
      {
        onData: (value) => {
          if (live()) onData(value);
        },
        onError: (error) => {
          if (!live()) return;
          if (options.isFatal(error)) {
            stopped = true;
            drop();
            options.onConnection("stopped");
          } else retryLater();
        },
        // the feed never ends by itself: an end is an interruption like any other
        onComplete: () => {
          if (live()) retryLater();
        },
        onConnectionStateChange: (state) => {
          if (!live()) return;
          if (state === "pending") opened = true;
          // the link lost an open stream and would reconnect at once, without jitter: we do it instead
          else if (state === "connecting" && opened) retryLater();
        },
      },
    );
  }

  start();
  return {
    close() {
      stopped = true;
      generation += 1;
      cancelRetry?.();
      drop();
    },
  };
}
