import { CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { closeSocket, factsOf, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";

/** A socket must say hello this soon after the upgrade, or it is closed (slow-loris, stuck clients). */
export const HELLO_DEADLINE_MS = 10_000;

const RATE_PER_SECOND = 50;
const BURST = 200;

/**
 * Per-connection token bucket (50 frames/s, burst 200): one agent flooding its hub is closed with
 * 1008 instead of starving the site's other agents. In memory on purpose: it resets when the object
 * hibernates, which only ever happens to quiet sockets.
 */
export class FrameRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(connectionId: string, now: number): boolean {
    const b = this.buckets.get(connectionId) ?? { tokens: BURST, at: now };
    b.tokens = Math.min(BURST, b.tokens + ((now - b.at) / 1000) * RATE_PER_SECOND);
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
