/**
 * The agent's conservative view of one lease, on the monotonic clock. The edge sets expiry to
 * (its time at receipt + TTL); the agent counts from the moment it *sent* the accept or renewal, which
 * is never later, minus a safety margin, so it stops mutating before the edge could give the job away.
 */
export class LeaseClock {
  private validUntil: number;

  constructor(
    private readonly ttlMs: number,
    sentAt: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.validUntil = sentAt + this.usableMs();
  }

  private usableMs(): number {
    return this.ttlMs - Math.min(5000, this.ttlMs * 0.1);
  }

  /** A renewal sent at `sentAt` was confirmed. */
  renewed(sentAt: number): void {
    this.validUntil = Math.max(this.validUntil, sentAt + this.usableMs());
  }

  valid(): boolean {
    return this.now() < this.validUntil;
  }

  remainingMs(): number {
    return Math.max(0, this.validUntil - this.now());
  }
}
