import { type ProgressFrame, parseProgressFrame } from "@gantry/shared/protocol/progress";
import { err, ok, type Result } from "@gantry/shared/result";
import { socketFrames } from "../streams/socket-frames.ts";
import { type Subscriber, subscriberUpgrade } from "./subscriber.ts";

/**
 * The object refused the subscriber: no such request, or another tenant's (indistinguishable on
 * purpose); or the viewer already holds as many streams of it as one may.
 */
export type OpenStreamError = { code: "NOT_FOUND" } | { code: "TOO_MANY_STREAMS" };

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
  if (res.status === 429) return err({ code: "TOO_MANY_STREAMS" });
  const ws = res.webSocket;
  if (!ws) throw new ProgressStreamUnavailableError(`progress object answered ${res.status}`);
  ws.accept();
  const frames = socketFrames(ws, parseProgressFrame, signal);
  const ended = frames.ended.then((e) => ({
    complete: e.code === 1000 && e.reason === "complete",
    code: e.code,
  }));
  return ok({ [Symbol.asyncIterator]: () => frames[Symbol.asyncIterator](), ended });
}
