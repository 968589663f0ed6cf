import { type ProgressFrame, parseProgressFrame } from "@gantry/shared/protocol/progress";
import { err, ok, type Result } from "@gantry/shared/result";
import { type Subscriber, subscriberUpgrade } from "./subscriber.ts";

/** The object refused the subscriber: no such request, or another tenant's (indistinguishable on purpose). */
export type OpenStreamError = { code: "NOT_FOUND" };

/** The object could not answer (rebuild from D1 failed, or it was unreachable); retrying may help. */
export class ProgressStreamUnavailableError extends Error {
  readonly retryable = true;
}

/** How a stream of frames ended: the run completed, or the socket was cut and the caller should resume. */
export type StreamEnd = { complete: boolean; code: number };

export interface ProgressStream extends AsyncIterable<ProgressFrame> {
  /** settles once the iteration has finished */
  readonly ended: Promise<StreamEnd>;
}

/**
 * Subscribes a Worker request to a RequestProgress object over a WebSocket the object accepts with the
 * hibernation API: every frame is pushed as it is published (no polling), the object may hibernate while
 * the stream is open, and browsers' own sockets share the same fan-out and resume code.
 * @throws ProgressStreamUnavailableError when the object answers neither with a socket nor with 404
 */
export async function openProgressStream(
  namespace: Env["REQUEST_PROGRESS"],
  subscriber: Subscriber,
  signal?: AbortSignal,
): Promise<Result<ProgressStream, OpenStreamError>> {
  const stub = namespace.get(namespace.idFromName(subscriber.requestId));
  const res = await stub.fetch(subscriberUpgrade(subscriber));
  if (res.status === 404) return err({ code: "NOT_FOUND" });
  const ws = res.webSocket;
  if (!ws) throw new ProgressStreamUnavailableError(`progress object answered ${res.status}`);
  ws.accept();
  return ok(framesOf(ws, signal));
}

function framesOf(ws: WebSocket, signal?: AbortSignal): ProgressStream {
  const queue: ProgressFrame[] = [];
  let end: StreamEnd | null = null;
  let wake: (() => void) | null = null;
  let settle: (value: StreamEnd) => void = () => {};
  const ended = new Promise<StreamEnd>((resolve) => {
    settle = resolve;
  });
  const notify = () => {
    wake?.();
    wake = null;
  };
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    // the object is trusted, but a frame that does not parse is dropped rather than forwarded
    const parsed = parseProgressFrame(event.data);
    if (parsed.ok) queue.push(parsed.value);
    notify();
  });
  ws.addEventListener("close", (event) => {
    end ??= { complete: event.code === 1000 && event.reason === "complete", code: event.code };
    notify();
  });
  ws.addEventListener("error", () => {
    end ??= { complete: false, code: 1006 };
    notify();
  });
  const abort = () => {
    end ??= { complete: false, code: 1000 };
    notify();
  };
  signal?.addEventListener("abort", abort, { once: true });

  async function* iterate(): AsyncGenerator<ProgressFrame> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
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
      settle(end ?? { complete: false, code: 1000 });
      try {
        ws.close(1000, "unsubscribed");
      } catch {
        // already closed by the object
      }
    }
  }
  return { [Symbol.asyncIterator]: iterate, ended };
}
