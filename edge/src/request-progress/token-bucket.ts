/** A token bucket kept in a socket's attachment: `tokens` left as of `at` (ms since epoch). */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface Rate {
  burst: number;
  perSecond: number;
}

/** What one browser may send on a progress socket: it has little reason to send anything at all. */
export const BROWSER_FRAME_RATE: Rate = { burst: 10, perSecond: 2 };

export const fullBucket = (rate: Rate = BROWSER_FRAME_RATE): Bucket => ({ tokens: rate.burst, at: 0 });

/** Refills for the time passed, then takes one token if there is one. */
export function takeToken(
  bucket: Bucket,
  now: number,
  rate: Rate = BROWSER_FRAME_RATE,
): { ok: boolean; bucket: Bucket } {
  const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
  const tokens = Math.min(rate.burst, bucket.tokens + elapsedSeconds * rate.perSecond);
  if (tokens < 1) return { ok: false, bucket: { tokens, at: now } };
  return { ok: true, bucket: { tokens: tokens - 1, at: now } };
}
