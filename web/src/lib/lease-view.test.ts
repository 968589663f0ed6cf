import { describe, expect, it } from "vitest";
import { leaseCountdown, leaseNotice } from "./lease-view.ts";

describe("lease view", () => {
  const now = new Date("2026-03-02T09:00:00.000Z");
  it("counts down only in the last day, and says when it is over", () => {
    expect(leaseCountdown("2026-03-03T09:00:00.000Z", now)).toBeNull();
    expect(leaseCountdown("2026-03-03T08:59:59.000Z", now)).toBe("in 23 h 59 min");
    expect(leaseCountdown("2026-03-02T09:04:30.000Z", now)).toBe("in 4 min 30 s");
    expect(leaseCountdown("2026-03-02T09:00:00.000Z", now)).toBe("expired");
  });
  it("explains a lease that no longer simply runs", () => {
    expect(leaseNotice({ phase: "active", destroyAt: null, pendingExtension: null })).toBeNull();
    expect(leaseNotice({ phase: "grace", destroyAt: "x", pendingExtension: null })).toMatch(/rescues/);
    expect(leaseNotice(null)).toBeNull();
  });
});
