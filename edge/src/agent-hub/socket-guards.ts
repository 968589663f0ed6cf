import { CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { closeSocket, factsOf, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";

/** A socket must say hello this soon after the upgrade, or it is closed (slow-loris, stuck clients). */
export const HELLO_DEADLINE_MS = 10_000;

export interface FrameRate {
  perSecond: number;
  burst: number;
}

/** Frames of any kind one connection may send. */
export const FRAME_RATE: FrameRate = { perSecond: 50, burst: 200 };

/**
 * Malformed or unknown frames one connection may send: a few are a bug on the agent's side and each
 * costs an error frame; ten in a row (refilled one per 10 s) is not an agent worth keeping: closed 1008.
 */
export const MALFORMED_RATE: FrameRate = { perSecond: 0.1, burst: 10 };

/**
 * Per-connection token bucket: one agent flooding its hub (50 frames/s, burst 200), or sending garbage,
 * is closed with 1008 instead of starving the site's other agents. In memory on purpose: it resets
 * when the object hibernates, which only ever happens to quiet sockets.
 */
export class FrameRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: FrameRate = FRAME_RATE) {}

  take(connectionId: string, now: number): boolean {
    const { burst, perSecond } = this.rate;
    const b = this.buckets.get(connectionId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(connectionId, b);
    return allowed;
  }

  forget(connectionId: string): void {
    this.buckets.delete(connectionId);
  }
}

/** Closes a socket that keeps sending what is not a frame of the protocol. */
export function refuseGarbage(hub: HubContext, ws: WebSocket): void {
  // frames already on their way after the close are not counted again
  if (ws.readyState !== WebSocket.OPEN) return;
  bumpCounter(hub.sql, "frames_malformed_closed");
  sendFrame(ws, { type: "error", code: "MALFORMED_FRAME", message: "too many malformed frames; closing" });
  closeSocket(ws, CLOSE_CODES.policy, "too many malformed frames");
}

export function refuseFlood(hub: HubContext, ws: WebSocket): void {
  bumpCounter(hub.sql, "frames_rate_limited");
  sendFrame(ws, { type: "error", code: "RATE_LIMITED", message: "too many frames; closing" });
  closeSocket(ws, CLOSE_CODES.policy, "rate limit exceeded");
}

/** Closes sockets that never said hello within the deadline; returns the next deadline still pending. */
export function closeSilentSockets(hub: HubContext, now: number): number | null {
  let next: number | null = null;
  for (const ws of hub.ctx.getWebSockets()) {
    const facts = factsOf(ws);
    if (!facts || facts.protocol !== null) continue;
    const deadline = facts.connectedAt + HELLO_DEADLINE_MS;
    if (deadline <= now) {
      bumpCounter(hub.sql, "hello_timeouts");
      closeSocket(ws, CLOSE_CODES.policy, "no hello");
    } else if (next === null || deadline < next) next = deadline;
  }
  return next;
}
