import { describe, expect, it } from "vitest";
import { formatSpan, leaseCountdown, leaseNotice, parseSpan } from "./lease-view.ts";

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

describe("lease spans", () => {
  it("reads what an admin types and writes it back the same way", () => {
    expect(parseSpan("30d")).toBe(2_592_000);
    expect(parseSpan(" 10m ")).toBe(600);
    expect(parseSpan("90")).toBe(90);
    expect(parseSpan("ten days")).toBeNull();
    expect(formatSpan(2_592_000)).toBe("30d");
    expect(formatSpan(600)).toBe("10m");
    expect(formatSpan(90)).toBe("90s");
    expect(formatSpan(0)).toBe("0s");
  });
});
