/** What each SIGTERM/SIGINT in a row asks for (R13, buildkite's poolSignals). */
export interface StopEscalation {
  /** the first: take no new jobs, finish running ones within the grace period */
  graceful(signal: NodeJS.Signals): void;
  /** the second: hand running jobs back now */
  now(signal: NodeJS.Signals): void;
  /** the third: leave at once */
  exit(): void;
}

export interface SignalSource {
  on(signal: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Counts SIGTERM and SIGINT from `listen` until `close` and escalates with each one, so an operator (or
 * systemd's stop timeout) can always get the process out, however long a job takes.
 */
export class StopSignals {
  private received = 0;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.received += 1;
    if (this.received === 1) this.escalation.graceful(signal);
    else if (this.received === 2) this.escalation.now(signal);
    else this.escalation.exit();
  };

  constructor(
    private readonly escalation: StopEscalation,
    /** where the signals arrive; tests pass an EventEmitter */
    private readonly source: SignalSource = process,
  ) {}

  listen(): void {
    this.source.on("SIGTERM", this.onSignal);
    this.source.on("SIGINT", this.onSignal);
  }

  close(): void {
    this.source.off("SIGTERM", this.onSignal);
    this.source.off("SIGINT", this.onSignal);
  }
}
