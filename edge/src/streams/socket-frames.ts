import type { Result } from "@gantry/shared/result";

/** How a socket's stream of frames ended: the close code and reason, or 1006 for an error, 1000 for an abort. */
export interface SocketEnd {
  code: number;
  reason: string;
}

export interface FrameStream<TFrame> extends AsyncIterable<TFrame> {
  /** settles once the iteration has finished */
  readonly ended: Promise<SocketEnd>;
}

/**
 * The frames a Durable Object pushes on an accepted WebSocket, as an async iterable a tRPC subscription
 * can `for await`. Frames that do not parse are dropped rather than forwarded (the object is trusted,
 * its code version may not be). Iteration ends when the object closes the socket, the socket fails or
 * `signal` aborts; leaving the loop closes the socket, so the object forgets the subscriber.
 */
export function socketFrames<TFrame>(
  ws: WebSocket,
  parse: (raw: string) => Result<TFrame, unknown>,
  signal?: AbortSignal,
): FrameStream<TFrame> {
  const queue: TFrame[] = [];
  let end: SocketEnd | null = null;
  let wake: (() => void) | null = null;
  let settle: (value: SocketEnd) => void = () => {};
  const ended = new Promise<SocketEnd>((resolve) => {
    settle = resolve;
  });
  const notify = () => {
    wake?.();
    wake = null;
  };
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    const parsed = parse(event.data);
    if (parsed.ok) queue.push(parsed.value);
    notify();
  });
  ws.addEventListener("close", (event) => {
    end ??= { code: event.code, reason: event.reason };
    notify();
  });
  ws.addEventListener("error", () => {
    end ??= { code: 1006, reason: "error" };
    notify();
  });
  const abort = () => {
    end ??= { code: 1000, reason: "aborted" };
    notify();
  };
  signal?.addEventListener("abort", abort, { once: true });

  async function* iterate(): AsyncGenerator<TFrame> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (end) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener("abort", abort);
      settle(end ?? { code: 1000, reason: "unsubscribed" });
      try {
        ws.close(1000, "unsubscribed");
      } catch {
        // already closed by the object
      }
    }
  }
  return { [Symbol.asyncIterator]: iterate, ended };
}
