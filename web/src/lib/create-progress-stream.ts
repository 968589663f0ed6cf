import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { type Accessor, createEffect, on, onCleanup } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { errorCode } from "./api-errors.ts";
import {
  type ConnectionState,
  makeProgressSubscription,
  type SubscribeProgress,
} from "./make-progress-subscription.ts";
import type { LiveProgress } from "./progress-state.ts";
import { trpc } from "./trpc.ts";
import { trpcStream } from "./trpc-stream.ts";

export interface ProgressStream {
  progress: LiveProgress | null;
  connection: ConnectionState | "idle";
}

const subscribeWatch: SubscribeProgress = trpcStream((input, handlers) =>
  trpc.progress.watch.subscribe(input, handlers),
);

const FATAL = new Set(["NOT_FOUND", "UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST"]);

/**
 * Live progress of one request (tRPC `progress.watch` over SSE) as a store updated with `reconcile`,
 * so only changed fields re-render. Watches while `requestId()` is non-null; closes with the owner.
 */
export function createProgressStream(
  requestId: Accessor<string | null>,
  options: { onDurableFrame?: (frame: ProgressFrame) => void } = {},
): ProgressStream {
  const [stream, setStream] = createStore<ProgressStream>({ progress: null, connection: "idle" });
  createEffect(
    on(requestId, (id) => {
      if (id === null) return;
      setStream({ progress: null, connection: "connecting" });
      const subscription = makeProgressSubscription({
        requestId: id,
        subscribe: subscribeWatch,
        isFatal: (error) => FATAL.has(errorCode(error) ?? ""),
        onProgress: (progress, frame) => {
          setStream("progress", reconcile(progress));
          if (frame.type !== "percent") options.onDurableFrame?.(frame);
        },
        onConnection: (connection) => setStream("connection", connection),
      });
      onCleanup(() => subscription.close());
    }),
  );
  return stream;
}
