import { describe, expect, it } from "vitest";
import { LeaseClock } from "./lease-clock.ts";

describe("LeaseClock", () => {
  it("holds the lease until the TTL minus a margin, counted from when the request was sent", () => {
    let now = 1000;
    const lease = new LeaseClock(90_000, 1000, () => now);
    now = 1000 + 84_999;
    expect(lease.valid()).toBe(true);
    now = 1000 + 85_000;
    expect(lease.valid()).toBe(false);
  });

  it("extends the lease from the send time of a confirmed renewal", () => {
    let now = 0;
    const lease = new LeaseClock(10_000, 0, () => now);
    lease.renewed(8000);
    now = 16_999;
    expect(lease.valid()).toBe(true);
    expect(lease.remainingMs()).toBe(1);
  });

  it("never shortens the lease on an older confirmation", () => {
    let now = 0;
    const lease = new LeaseClock(10_000, 5000, () => now);
    lease.renewed(1000);
    now = 13_000;
    expect(lease.valid()).toBe(true);
  });
});
