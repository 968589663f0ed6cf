/**
 * Full-jitter exponential backoff (AWS "full jitter"; agents `retries.ts`): the n-th wait is uniform in
 * [0, min(cap, base·2^n)], so a fleet that lost the edge at the same instant does not return in step.
 * The attempt count resets only after a connection stayed healthy for `minUptimeMs`.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  minUptimeMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 30_000, minUptimeMs: 60_000 };

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one failure. */
  next(): number {
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor(this.random() * ceiling);
  }

  /** Reports how long the last connection lasted; a healthy one forgets the failure streak. */
  connectionEnded(uptimeMs: number): void {
    if (uptimeMs >= this.options.minUptimeMs) this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
