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

/** Frames of any kind one connection may send until it says how many jobs it takes at once. */
export const FRAME_RATE: FrameRate = { perSecond: 50, burst: 200 };

/**
 * What each job an agent takes at once adds to its allowance. A job sends a frame per stage, seconds
 * apart; but when the hub is busy (a D1 backlog under load) the frames of every running job queue on the
 * socket and reach the object back to back, so the burst must hold ~20 s of them: an agent running 64
 * jobs may send 1,480 frames in a row. A flood is still closed within seconds.
 */
const PER_JOB: FrameRate = { perSecond: 2, burst: 20 };

/** The allowance of an agent that takes `capacity` jobs at once (its hello, each renewal). */
export const frameRateFor = (capacity: number): FrameRate => ({
  perSecond: FRAME_RATE.perSecond + PER_JOB.perSecond * capacity,
  burst: FRAME_RATE.burst + PER_JOB.burst * capacity,
});

/**
 * Malformed or unknown frames one connection may send: a few are a bug on the agent's side and each
 * costs an error frame; ten in a row (refilled one per 10 s) is not an agent worth keeping: closed 1008.
 */
export const MALFORMED_RATE: FrameRate = { perSecond: 0.1, burst: 10 };

/**
 * Per-connection token bucket: one agent flooding its hub (beyond 50 frames/s and a burst of 200, more
 * for an agent that runs many jobs at once: `frameRateFor`), or sending garbage,
 * is closed with 1008 instead of starving the site's other agents. In memory on purpose: it resets
 * when the object hibernates, which only ever happens to quiet sockets.
 */
export class FrameRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** a connection's own allowance, once it said its capacity */
  private readonly rates = new Map<string, FrameRate>();

  constructor(private readonly rate: FrameRate = FRAME_RATE) {}

  /**
   * Raises the connection's allowance to `rate`; its bucket gains what the burst grew by. An allowance only
   * grows: a connection that says a smaller capacity keeps its larger one, so lowering and raising it
   * again cannot buy a fresh burst each time.
   */
  setRate(connectionId: string, rate: FrameRate): void {
    const before = this.rates.get(connectionId) ?? this.rate;
    if (rate.burst <= before.burst) return;
    const bucket = this.buckets.get(connectionId);
    if (bucket) bucket.tokens = Math.min(rate.burst, bucket.tokens + rate.burst - before.burst);
    this.rates.set(connectionId, rate);
  }

  take(connectionId: string, now: number): boolean {
    const { burst, perSecond } = this.rates.get(connectionId) ?? this.rate;
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
    this.rates.delete(connectionId);
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
