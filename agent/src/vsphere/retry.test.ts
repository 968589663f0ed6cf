import { describe, expect, it } from "vitest";
import { VsphereFault } from "./faults.ts";
import { createRetryPolicy, delay } from "./retry.ts";

const transient = new VsphereFault({ name: "TaskInProgress", message: "busy", source: "soap" });
const permanent = new VsphereFault({ name: "NoPermission", message: "no", source: "soap" });

describe("createRetryPolicy", () => {
  it("defaults to 5 attempts with 10 s doubling waits", () => {
    const policy = createRetryPolicy();
    expect([1, 2, 3, 4].map((a) => policy(transient, a))).toEqual([
      { retry: true, delayMs: 10_000 },
      { retry: true, delayMs: 20_000 },
      { retry: true, delayMs: 40_000 },
      { retry: true, delayMs: 80_000 },
    ]);
    expect(policy(transient, 5).retry).toBe(false);
  });

  it("caps the wait", () => {
    const policy = createRetryPolicy({ maxAttempts: 10, baseDelayMs: 10_000, maxDelayMs: 120_000 });
    expect(policy(transient, 5).delayMs).toBe(120_000);
  });

  it("never retries permanent faults, plain errors or aborts", () => {
    const policy = createRetryPolicy({ baseDelayMs: 1 });
    expect(policy(permanent, 1).retry).toBe(false);
    expect(policy(new Error("bug"), 1).retry).toBe(false);
    expect(policy(new DOMException("aborted", "AbortError"), 1).retry).toBe(false);
  });

  it("takes millisecond settings for tests", () => {
    expect(createRetryPolicy({ baseDelayMs: 5, maxAttempts: 3 })(transient, 2)).toEqual({
      retry: true,
      delayMs: 10,
    });
  });
});

describe("delay", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const waiting = delay(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});
