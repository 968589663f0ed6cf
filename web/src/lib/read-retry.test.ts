import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { READ_ATTEMPTS, readRetryDelayMs, shouldRetryRead } from "./read-retry.ts";

const query = { type: "query" };
const coded = (code: string) => new TRPCClientError(code, { result: { error: { data: { code } } } as never });
const unreachable = new TRPCClientError("Failed to fetch", { cause: new TypeError("Failed to fetch") });

describe("shouldRetryRead", () => {
  it("retries a read the edge did not answer, or answered with a 5xx", () => {
    expect(shouldRetryRead({ op: query, error: unreachable, attempts: 1 })).toBe(true);
    expect(shouldRetryRead({ op: query, error: coded("INTERNAL_SERVER_ERROR"), attempts: 1 })).toBe(true);
  });

  it("does not retry a refusal, a mutation or a stream", () => {
    for (const code of [
      "NOT_FOUND",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "BAD_REQUEST",
      "CONFLICT",
      "TOO_MANY_REQUESTS",
    ]) {
      expect(shouldRetryRead({ op: query, error: coded(code), attempts: 1 })).toBe(false);
    }
    expect(shouldRetryRead({ op: { type: "mutation" }, error: unreachable, attempts: 1 })).toBe(false);
    expect(shouldRetryRead({ op: { type: "subscription" }, error: unreachable, attempts: 1 })).toBe(false);
  });

  it("gives up after its attempts, having waited about 15 s", () => {
    expect(shouldRetryRead({ op: query, error: unreachable, attempts: READ_ATTEMPTS - 1 })).toBe(true);
    expect(shouldRetryRead({ op: query, error: unreachable, attempts: READ_ATTEMPTS })).toBe(false);
    const waited = Array.from({ length: READ_ATTEMPTS - 1 }, (_, i) => readRetryDelayMs(i + 1));
    expect(waited).toEqual([500, 1000, 2000, 4000, 8000]);
  });
});
