import { VsphereFault } from "./faults.ts";

export interface RetryDecision {
  readonly retry: boolean;
  readonly delayMs: number;
}

/** Decide after a failed attempt (`attempt` = attempts made so far, 1-based) whether to try again. */
export type RetryPolicy = (err: unknown, attempt: number) => RetryDecision;

export interface RetryPolicyOptions {
  /** Total attempts including the first. Default 5. */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles each time. Default 10 s. */
  baseDelayMs?: number;
  /** Default 120 s. */
  maxDelayMs?: number;
  /** Default: `VsphereFault.retryable`; anything else (bugs, aborts, lost leases) is final. */
  isRetryable?: (err: unknown) => boolean;
}

export const isRetryableError = (err: unknown): boolean => err instanceof VsphereFault && err.retryable;

/**
 * The default policy: 5 attempts, waits of 10, 20, 40, 80 s (×2, capped at 120 s).
 * Tests pass millisecond delays.
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 10_000;
  const cap = options.maxDelayMs ?? 120_000;
  const retryable = options.isRetryable ?? isRetryableError;
  return (err, attempt) => {
    if (attempt >= maxAttempts || !retryable(err)) return { retry: false, delayMs: 0 };
    return { retry: true, delayMs: Math.min(cap, base * 2 ** (attempt - 1)) };
  };
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
