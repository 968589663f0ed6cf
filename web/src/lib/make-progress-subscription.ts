import {
  formatProgressCursor,
  type ProgressFrame,
  ProgressFrame as ProgressFrameSchema,
} from "@gantry/shared/protocol/progress";
import {
  makeReconnectingStream,
  type OpenStream,
  type StreamStep,
  type StreamTiming,
} from "./make-reconnecting-stream.ts";
import { applyFrame, type LiveProgress } from "./progress-state.ts";
import { TrackedEvent } from "./tracked-event.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "complete" | "refused";

/** What `trpc.progress.watch.subscribe` offers, narrowed to what we use; tests pass a fake. */
export type SubscribeProgress = OpenStream<{ requestId: string; lastEventId: string | null }>;

export interface ProgressSubscriptionOptions extends Omit<StreamTiming, "now"> {
  requestId: string;
  subscribe: SubscribeProgress;
  onProgress: (progress: LiveProgress, frame: ProgressFrame) => void;
  onConnection: (state: ConnectionState) => void;
  /** true for errors that will not go away by retrying (not found, signed out) */
  isFatal: (error: unknown) => boolean;
}

/**
 * Keeps one request's `progress.watch` subscription alive. The tRPC link resumes dropped connections by
 * itself (last event id); on top of that this restarts from a fresh snapshot when it sees a gap, retries
 * with full-jitter backoff when the stream ends early or fails, and stops once the run is complete or
 * the viewer is refused. The caller must call `close()`.
 */
export function makeProgressSubscription(options: ProgressSubscriptionOptions): { close(): void } {
  let progress: LiveProgress | null = null;

  const stop = (state: ConnectionState): StreamStep => {
    options.onConnection(state);
    return "stop";
  };

  const onData = (value: unknown): StreamStep => {
    const tracked = TrackedEvent.safeParse(value);
    const parsed = ProgressFrameSchema.safeParse(tracked.success ? tracked.data.data : value);
    // frames from a newer protocol we cannot read are skipped; the next snapshot brings us back
    if (!parsed.success) return "continue";
    const outcome = applyFrame(progress, parsed.data);
    if (outcome.kind === "ignored") return "continue";
    if (outcome.kind === "resync") {
      progress = null;
      return "reopen";
    }
    progress = outcome.progress;
    options.onProgress(outcome.progress, parsed.data);
    return "delivered";
  };

  return makeReconnectingStream({
    random: options.random,
    setTimer: options.setTimer,
    open: (handlers, failures) => {
      options.onConnection(failures === 0 && progress === null ? "connecting" : "reconnecting");
      const lastEventId = progress === null ? null : formatProgressCursor(progress);
      return options.subscribe({ requestId: options.requestId, lastEventId }, handlers);
    },
    onData,
    onError: (error) => (options.isFatal(error) ? stop("refused") : "retry"),
    onComplete: () => (progress?.state.terminal ? stop("complete") : "retry"),
    onConnectionStateChange: (state) => {
      if (state === "pending") options.onConnection("open");
      else if (state === "connecting" && progress !== null) options.onConnection("reconnecting");
      return "continue";
    },
    onRetry: () => options.onConnection("reconnecting"),
  });
}
