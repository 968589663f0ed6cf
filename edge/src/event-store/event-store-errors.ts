/** A stream moved on since the caller loaded it: nothing was written. Plain data, per R7. */
export interface StreamVersionConflict {
  code: "STREAM_VERSION_CONFLICT";
  streamId: string;
  expectedVersion: number;
  actualVersion: number;
}

/**
 * A guard statement of the batch aborted it (nothing was written): a condition the caller put on the
 * write no longer holds, e.g. a newer lease on the job. `guard` is the guard's name.
 */
export interface GuardRefusal {
  code: "GUARD_REFUSED";
  guard: string;
}

/**
 * D1 failed in a way the store could not resolve. `retryable` follows Cloudflare's list of transient
 * D1 errors; a retry must reuse the same event ids so it cannot duplicate anything.
 */
export class EventStoreUnavailableError extends Error {
  override readonly name = "EventStoreUnavailableError";
  readonly retryable: boolean;

  constructor(message: string, options: { cause: unknown; retryable: boolean }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** A stored event of a known type no longer parses: the log or the schema is wrong, never the user. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";
}

const TRANSIENT = [
  "network connection lost",
  // "D1 DB is overloaded. Requests queued for too long." / "Too many requests queued."
  "overloaded",
  "too many requests queued",
  "storage caused object to be reset",
  "reset because its code was updated",
  "cannot resolve d1 db due to transient issue",
  "internal error",
];

export const isTransientD1Error = (error: unknown): boolean => {
  const message = String(error instanceof Error ? error.message : error).toLowerCase();
  return TRANSIENT.some((fragment) => message.includes(fragment));
};
