import { errorCode } from "./api-errors.ts";

/** A read is tried this often in all before its error reaches the page. */
export const READ_ATTEMPTS = 6;

// codes of a moment's failure on the edge's side; a refusal (NOT_FOUND, FORBIDDEN, ...) stays one
const PASSING = new Set([
  "INTERNAL_SERVER_ERROR",
  "SERVICE_UNAVAILABLE",
  "BAD_GATEWAY",
  "GATEWAY_TIMEOUT",
  "TIMEOUT",
]);

/**
 * Whether a failed call is tried again: only reads (a mutation may have happened; streams reconnect on
 * their own), only while attempts are left, and only when the failure may pass — the edge unreachable
 * (restarting, a deploy, a lost connection: no tRPC code at all) or answering a 5xx. A page that shows a
 * request then keeps it through an edge restart instead of trading it for "could not be loaded".
 */
export function shouldRetryRead(input: { op: { type: string }; error: unknown; attempts: number }): boolean {
  if (input.op.type !== "query" || input.attempts >= READ_ATTEMPTS) return false;
  const code = errorCode(input.error);
  return code === null || PASSING.has(code);
}

/** 0.5 s after the first failure, doubling: the five retries span about 15 s. */
export const readRetryDelayMs = (attempts: number): number => 500 * 2 ** (attempts - 1);
