/** What tRPC's link says of a subscription's connection. */
export type LinkState = "idle" | "connecting" | "pending";

/** The callbacks tRPC's `subscribe` takes, narrowed to what we use. */
export interface StreamHandlers {
  onData: (value: unknown) => void;
  onError: (error: unknown) => void;
  onComplete: () => void;
  onConnectionStateChange: (state: LinkState) => void;
}

/** Opens one stream (a tRPC subscription) with its input; tests pass a fake. */
export type OpenStream<TInput> = (input: TInput, handlers: StreamHandlers) => { unsubscribe: () => void };

/**
 * What to do after an event of the current stream: nothing (`continue`); nothing, but the stream is up
 * (`delivered`, which may end the backoff streak); drop it and open the next after a full-jitter delay
 * (`retry`) or at once (`reopen`); or drop it and open no more (`stop`).
 */
export type StreamStep = "continue" | "delivered" | "retry" | "reopen" | "stop";

/** Clock, randomness and timers; tests pass fakes. */
export interface StreamTiming {
  random?: () => number;
  now?: () => number;
  /** schedules `fn` and returns its cancel function */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

export interface ReconnectingStreamOptions extends StreamTiming {
  /** Opens the next stream; `failures` counts the drops since the last healthy one (0 on the first). */
  open: (handlers: StreamHandlers, failures: number) => { unsubscribe: () => void };
  onData: (value: unknown) => StreamStep;
  onError: (error: unknown) => StreamStep;
  onComplete: () => StreamStep;
  onConnectionStateChange: (state: LinkState) => StreamStep;
  /** Told each time the next stream waits for its delay. */
  onRetry: () => void;
  /**
   * A stream that was up (delivered) this long before it dropped was healthy: the backoff starts over.
   * Default 0: any stream that delivered.
   */
  minUptimeMs?: number;
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;
const MIN_DELAY_MS = 250;

const defaultSetTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

/** The state of one kept-open stream: the current one, the failure streak, the pending retry. */
class ReconnectingStream {
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;
  private current: { unsubscribe: () => void } | null = null;
  /** which stream is current: events of any other are dropped */
  private generation = 0;
  private failures = 0;
  private deliveredAt: number | null = null;
  private stopped = false;
  private cancelRetry: (() => void) | null = null;

  constructor(private readonly options: ReconnectingStreamOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultSetTimer;
  }

  open(): void {
    if (this.stopped) return;
    this.cancelRetry = null;
    const mine = ++this.generation;
    const { options } = this;
    const whileCurrent = (react: () => StreamStep) => {
      if (mine === this.generation && !this.stopped) this.step(react());
    };
    this.current = options.open(
      {
        onData: (value) => whileCurrent(() => options.onData(value)),
        onError: (error) => whileCurrent(() => options.onError(error)),
        onComplete: () => whileCurrent(() => options.onComplete()),
        onConnectionStateChange: (state) => whileCurrent(() => options.onConnectionStateChange(state)),
      },
      this.failures,
    );
  }

  close(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.drop();
  }

  private step(next: StreamStep): void {
    switch (next) {
      case "continue":
        return;
      case "delivered":
        this.deliveredAt ??= this.now();
        return;
      case "retry":
        this.drop();
        this.failures += 1;
        this.options.onRetry();
        this.cancelRetry = this.setTimer(() => this.open(), this.nextDelay());
        return;
      case "reopen":
        this.drop();
        this.open();
        return;
      case "stop":
        this.stopped = true;
        this.drop();
        return;
    }
  }

  /** Ends the current stream; a stream that stayed up long enough ends the failure streak. */
  private drop(): void {
    this.generation += 1;
    this.current?.unsubscribe();
    this.current = null;
    const { minUptimeMs = 0 } = this.options;
    const up = this.deliveredAt === null ? null : this.now() - this.deliveredAt;
    if (up !== null && (minUptimeMs === 0 || up >= minUptimeMs)) this.failures = 0;
    this.deliveredAt = null;
  }

  private nextDelay(): number {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(this.failures, 10));
    return Math.max(MIN_DELAY_MS, Math.floor(this.random() * ceiling));
  }
}

/**
 * Keeps a stream open: opens it now, reacts to its events with what the caller's hooks answer, and
 * after a drop opens the next one after a full-jitter delay (uniform up to 1 s · 2ⁿ, capped at 10 s,
 * at least 250 ms), so many browsers that lost the same server do not return in the same second.
 * Events of a stream it already dropped never reach the hooks. The caller must `close()`.
 */
export function makeReconnectingStream(options: ReconnectingStreamOptions): { close(): void } {
  const stream = new ReconnectingStream(options);
  stream.open();
  return { close: () => stream.close() };
}
