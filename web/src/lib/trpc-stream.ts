import type { LinkState, OpenStream, StreamHandlers } from "./make-reconnecting-stream.ts";

/**
 * An `OpenStream` over a tRPC subscription, whose link reports its state as an object: `subscribe`
 * is e.g. `(input, handlers) => trpc.progress.watch.subscribe(input, handlers)`.
 */
export function trpcStream<TInput>(
  subscribe: (
    input: TInput,
    handlers: Omit<StreamHandlers, "onConnectionStateChange"> & {
      onConnectionStateChange: (state: { state: LinkState }) => void;
    },
  ) => { unsubscribe: () => void },
): OpenStream<TInput> {
  return (input, handlers) =>
    subscribe(input, {
      onData: handlers.onData,
      onError: handlers.onError,
      onComplete: handlers.onComplete,
      onConnectionStateChange: (state) => handlers.onConnectionStateChange(state.state),
    });
}
