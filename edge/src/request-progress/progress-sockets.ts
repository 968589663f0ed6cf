import {
  PROGRESS_CLOSE_CODES,
  PROGRESS_PROTOCOL_VERSION,
  type ProgressErrorCode,
  type ProgressFrame,
  parseProgressClientFrame,
} from "@gantry/shared/protocol/progress";
import { z } from "zod";
import { renderFor } from "./render-frame.ts";
import type { Subscriber } from "./subscriber.ts";
import { fullBucket, takeToken } from "./token-bucket.ts";

/** Tags split sockets by what they may see, so a broadcast renders each frame once per audience. */
const DETAIL_TAG = "detail";
const PLAIN_TAG = "plain";
/** Each socket also carries its viewer's tag: what the per-viewer cap counts. */
const viewerTag = (viewerId: string) => `viewer:${viewerId}`;

/**
 * Sockets one viewer may hold on one request's progress (browser tabs and SSE streams together), and
 * sockets the object takes at all: beyond them a new one is refused, so one person cannot crowd out the
 * others watching the same request.
 */
export const MAX_SUBSCRIBERS_PER_VIEWER = 10;
export const MAX_SUBSCRIBERS = 1_000;

/** Why a subscriber cannot be taken now, or null when it can. */
export function subscriberRefusal(ctx: DurableObjectState, viewerId: string): Response | null {
  if (ctx.getWebSockets(viewerTag(viewerId)).length >= MAX_SUBSCRIBERS_PER_VIEWER)
    return new Response("too many live streams of this request for this person", { status: 429 });
  if (ctx.getWebSockets().length >= MAX_SUBSCRIBERS)
    return new Response("too many subscribers", { status: 503 });
  return null;
}

/** Malformed frames a browser may send before its socket is closed with 1008. */
export const MAX_STRIKES = 3;

/** Per-socket facts that survive hibernation. */
const Attachment = z.object({
  viewerId: z.string(),
  tenantId: z.string(),
  seesTechnicalDetail: z.boolean(),
  strikes: z.number().int().min(0),
  /** frames a browser may still send; sockets accepted before the limit existed start full */
  bucket: z.object({ tokens: z.number(), at: z.number() }).default(fullBucket),
});
type Attachment = z.infer<typeof Attachment>;

function attachmentOf(ws: WebSocket): Attachment | null {
  const parsed = Attachment.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}

/** A send to a socket that is closing throws; that subscriber is gone and resumes on reconnect. */
function trySend(ws: WebSocket, raw: string): boolean {
  try {
    ws.send(raw);
    return true;
  } catch {
    return false;
  }
}

export function acceptSubscriber(
  ctx: DurableObjectState,
  subscriber: Subscriber,
): { client: WebSocket; server: WebSocket } {
  const { 0: client, 1: server } = new WebSocketPair();
  ctx.acceptWebSocket(server, [
    subscriber.seesTechnicalDetail ? DETAIL_TAG : PLAIN_TAG,
    viewerTag(subscriber.viewerId),
  ]);
  const attachment: Attachment = {
    viewerId: subscriber.viewerId,
    tenantId: subscriber.tenantId,
    seesTechnicalDetail: subscriber.seesTechnicalDetail,
    strikes: 0,
    bucket: fullBucket(),
  };
  server.serializeAttachment(attachment);
  return { client, server };
}

/** Sends frames to one socket as its viewer may see them. */
export function sendFrames(ws: WebSocket, frames: readonly ProgressFrame[]): void {
  const seesDetail = attachmentOf(ws)?.seesTechnicalDetail ?? false;
  for (const frame of frames) trySend(ws, JSON.stringify(renderFor(frame, seesDetail)));
}

/** Pushes one frame to every subscriber; returns how many sockets took it. */
export function broadcast(ctx: DurableObjectState, frame: ProgressFrame): number {
  let delivered = 0;
  for (const [tag, seesDetail] of [
    [DETAIL_TAG, true],
    [PLAIN_TAG, false],
  ] as const) {
    const sockets = ctx.getWebSockets(tag);
    if (sockets.length === 0) continue;
    const raw = JSON.stringify(renderFor(frame, seesDetail));
    for (const ws of sockets) if (trySend(ws, raw)) delivered++;
  }
  return delivered;
}

export function closeAll(ctx: DurableObjectState, code: number, reason: string): void {
  for (const ws of ctx.getWebSockets()) {
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }
}

function strike(ws: WebSocket, problem: { code: ProgressErrorCode; message: string }, seq: number): void {
  const attachment = attachmentOf(ws);
  const strikes = (attachment?.strikes ?? MAX_STRIKES) + 1;
  if (strikes >= MAX_STRIKES || !attachment) {
    ws.close(PROGRESS_CLOSE_CODES.policy, "too many malformed frames");
    return;
  }
  ws.serializeAttachment({ ...attachment, strikes });
  const frame: ProgressFrame = { v: PROGRESS_PROTOCOL_VERSION, seq, type: "error", ...problem };
  trySend(ws, JSON.stringify(frame));
}

/** Spends one of the socket's tokens; a browser that floods the socket is closed with 1008. */
function withinRate(ws: WebSocket, now: number): boolean {
  const attachment = attachmentOf(ws);
  const taken = attachment ? takeToken(attachment.bucket, now) : { ok: false, bucket: fullBucket() };
  if (!attachment || !taken.ok) {
    ws.close(PROGRESS_CLOSE_CODES.policy, "too many frames");
    return false;
  }
  ws.serializeAttachment({ ...attachment, bucket: taken.bucket });
  return true;
}

/**
 * Validates one browser frame (rate, size cap, JSON, schema) and says what it asks for. Bad frames earn
 * an error frame and a strike; the third strike, a flood or any oversized frame closes the socket.
 */
export function readClientMessage(
  ws: WebSocket,
  message: string | ArrayBuffer,
  at: { seq: number; now: number },
): "resync" | null {
  const { seq } = at;
  if (!withinRate(ws, at.now)) return null;
  if (typeof message !== "string") {
    strike(ws, { code: "MALFORMED_FRAME", message: "binary frames are not accepted" }, seq);
    return null;
  }
  const parsed = parseProgressClientFrame(message);
  if (parsed.ok) return parsed.value.type;
  const problem = parsed.error;
  switch (problem.code) {
    case "TOO_LARGE":
      ws.close(PROGRESS_CLOSE_CODES.tooLarge, "frame too large");
      return null;
    case "UNKNOWN_TYPE":
      strike(ws, { code: "UNKNOWN_TYPE", message: `unknown frame type ${problem.type.slice(0, 40)}` }, seq);
      return null;
    case "MALFORMED_FRAME":
      strike(ws, { code: "MALFORMED_FRAME", message: problem.message }, seq);
      return null;
  }
}
