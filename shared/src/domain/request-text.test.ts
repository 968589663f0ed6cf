import { describe, expect, it } from "vitest";
import { CancelReason, Justification, RejectReason } from "./request-text.ts";

describe("request texts", () => {
  it("accepts a justification of 10 characters after trimming", () => {
    expect(Justification.parse("  1234567890  ")).toBe("1234567890");
  });

  it("rejects a justification shorter than 10 characters", () => {
    expect(Justification.safeParse("too short").success).toBe(false);
  });

  it("accepts a reject reason of 10 to 500 characters", () => {
    expect(RejectReason.safeParse("not in budget").success).toBe(true);
    expect(RejectReason.safeParse("x".repeat(500)).success).toBe(true);
  });

  it("rejects a reject reason outside 10 to 500 characters", () => {
    expect(RejectReason.safeParse("no").success).toBe(false);
    expect(RejectReason.safeParse("x".repeat(501)).success).toBe(false);
  });

  it("accepts an empty cancel reason and rejects one over 500 characters", () => {
    expect(CancelReason.safeParse("").success).toBe(true);
    expect(CancelReason.safeParse("x".repeat(501)).success).toBe(false);
  });
});
