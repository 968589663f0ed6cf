import type { StreamHandlers } from "../lib/make-reconnecting-stream.ts";

/** One stream a fake `subscribe` opened: its input, the handlers it was given, whether it was dropped. */
export interface FakeStream<TInput> {
  input: TInput;
  handlers: StreamHandlers;
  unsubscribed: boolean;
}

/** A fake tRPC `subscribe` that records every stream it opens, for the stream keepers' unit tests. */
export function fakeStreams<TInput>() {
  const streams: FakeStream<TInput>[] = [];
  return {
    streams,
    subscribe: (input: TInput, handlers: StreamHandlers) => {
      const stream: FakeStream<TInput> = { input, handlers, unsubscribed: false };
      streams.push(stream);
      return {
        unsubscribe: () => {
          stream.unsubscribed = true;
        },
      };
    },
    /** The stream opened last; throws when none was. */
    last: () => {
      const stream = streams.at(-1);
      if (!stream) throw new Error("no stream");
      return stream;
    },
  };
}
