import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.ts";

const opts = { baseMs: 1000, capMs: 30_000, minUptimeMs: 60_000 };

describe("Backoff", () => {
  it("doubles the ceiling per failure up to the cap", () => {
    const b = new Backoff({ ...opts, random: () => 0.999999 });
    const delays = Array.from({ length: 7 }, () => b.next());
    expect(delays).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999]);
  });

  it("draws each delay uniformly below the ceiling", () => {
    const b = new Backoff({ ...opts, random: () => 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([0, 0, 0]);
  });

  it("resets the streak after a healthy minute", () => {
    const b = new Backoff({ ...opts, random: () => 0.5 });
    b.next();
    b.next();
    b.connectionEnded(60_000);
    expect(b.failures).toBe(0);
    expect(b.next()).toBe(500);
  });

  it("keeps the streak after a short-lived connection", () => {
    const b = new Backoff({ ...opts, random: () => 0.5 });
    b.next();
    b.next();
    b.connectionEnded(5_000);
    expect(b.failures).toBe(2);
    expect(b.next()).toBe(2000);
  });
});
