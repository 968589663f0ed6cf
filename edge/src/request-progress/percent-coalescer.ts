import type { LivePercent } from "./snapshot.ts";

/**
 * Coalesces clone percentages: the first goes out at once, later ones at most once per interval, and
 * only the newest survives. Lives in memory only; losing it costs a few percent ticks, never a stage.
 */
export class PercentCoalescer {
  #latest: LivePercent | null = null;
  #unsent = false;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #intervalMs: number;
  readonly #send: (percent: LivePercent) => void;

  constructor(options: { intervalMs: number; send: (percent: LivePercent) => void }) {
    this.#intervalMs = options.intervalMs;
    this.#send = options.send;
  }

  /** The newest percent, sent or not; snapshots and resumes include it. */
  get latest(): LivePercent | null {
    return this.#latest;
  }

  offer(percent: LivePercent): void {
    this.#latest = percent;
    this.#unsent = true;
    const wait = this.#lastSentAt + this.#intervalMs - Date.now();
    if (wait <= 0) this.#flush();
    // a timer keeps the object awake for at most one interval; it never hibernates mid-clone anyway
    else this.#timer ??= setTimeout(() => this.#flush(), wait);
  }

  /** Forgets the percent of a stage that has ended; a pending send is dropped with it. */
  reset(): void {
    this.#latest = null;
    this.#unsent = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #flush(): void {
    this.#timer = null;
    if (!this.#latest || !this.#unsent) return;
    this.#unsent = false;
    this.#lastSentAt = Date.now();
    this.#send(this.#latest);
  }
}
