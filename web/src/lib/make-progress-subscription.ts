import {
  formatProgressCursor,
  type ProgressFrame,
  ProgressFrame as ProgressFrameSchema,
} from "@gantry/shared/protocol/progress";
import { z } from "zod";
import { applyFrame, type LiveProgress } from "./progress-state.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "complete" | "refused";

/** What `trpc.progress.watch.subscribe` offers, narrowed to what we use; tests pass a fake. */
export type SubscribeProgress = (
  input: { requestId: string; lastEventId: string | null },
  handlers: {
    onData: (value: unknown) => void;
    onError: (error: unknown) => void;
    onComplete: () => void;
    onConnectionStateChange: (state: "idle" | "connecting" | "pending") => void;
  },
) => { unsubscribe: () => void };

export interface ProgressSubscriptionOptions {
  requestId: string;
  subscribe: SubscribeProgress;
  onProgress: (progress: LiveProgress, frame: ProgressFrame) => void;
  onConnection: (state: ConnectionState) => void;
  /** true for errors that will not go away by retrying (not found, signed out) */
  isFatal: (error: unknown) => boolean;
  random?: () => number;
  /** schedules `fn` and returns its cancel function; tests pass a fake */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

// tracked() events arrive as { id, data }; the frame itself is validated with the shared schema
const Tracked = z.object({ id: z.string(), data: z.unknown() });

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;

/**
 * Keeps one request's `progress.watch` subscription alive. The tRPC link resumes dropped connections by
 * itself (last event id); on top of that this restarts from a fresh snapshot when it sees a gap, retries
 * with full-jitter backoff when the stream ends early or fails, and stops once the run is complete or
 * the viewer is refused. The caller must call `close()`.
 */
export function makeProgressSubscription(options: ProgressSubscriptionOptions): { close(): void } {
  const random = options.random ?? Math.random;
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    });
  let progress: LiveProgress | null = null;
  let current: { unsubscribe: () => void } | null = null;
  let generation = 0;
  let attempt = 0;
  let stopped = false;
  let cancelRetry: (() => void) | null = null;

  const stop = (state: ConnectionState) => {
    stopped = true;
    current?.unsubscribe();
    current = null;
    options.onConnection(state);
  };

  const retryLater = () => {
    current?.unsubscribe();
    current = null;
    attempt += 1;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
    options.onConnection("reconnecting");
    cancelRetry = setTimer(start, Math.max(250, Math.floor(random() * ceiling)));
  };

  const onData = (value: unknown) => {
    const tracked = Tracked.safeParse(value);
    const parsed = ProgressFrameSchema.safeParse(tracked.success ? tracked.data.data : value);
    // frames from a newer protocol we cannot read are skipped; the next snapshot brings us back
    if (!parsed.success) return;
    const outcome = applyFrame(progress, parsed.data);
    if (outcome.kind === "ignored") return;
    if (outcome.kind === "resync") {
      progress = null;
      current?.unsubscribe();
      start();
      return;
    }
    attempt = 0;
    progress = outcome.progress;
    options.onProgress(outcome.progress, parsed.data);
  };

  function start() {
    if (stopped) return;
    cancelRetry = null;
    const mine = ++generation;
    const live = () => mine === generation && !stopped;
    options.onConnection(attempt === 0 && progress === null ? "connecting" : "reconnecting");
    current = options.subscribe(
      {
        requestId: options.requestId,
        lastEventId: progress === null ? null : formatProgressCursor(progress),
      },
      {
        onData: (value) => {
          if (live()) onData(value);
        },
        onError: (error) => {
          if (!live()) return;
          if (options.isFatal(error)) stop("refused");
          else retryLater();
        },
        onComplete: () => {
          if (!live()) return;
          if (progress?.state.terminal) stop("complete");
          else retryLater();
        },
        onConnectionStateChange: (state) => {
          if (!live()) return;
          if (state === "pending") options.onConnection("open");
          else if (state === "connecting" && progress !== null) options.onConnection("reconnecting");
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
      current?.unsubscribe();
      current = null;
    },
  };
}
