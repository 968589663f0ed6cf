import { describe, expect, it } from "vitest";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { makeRefreshThrottle } from "./make-refresh-throttle.ts";

function harness() {
  const refreshed: string[][] = [];
  const clock = fakeTimers(1_000_000);
  const throttle = makeRefreshThrottle({
    intervalMs: 250,
    refresh: (keys) => refreshed.push(keys),
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const fire = () => clock.runNext({ advanceClock: true });
  return { throttle, refreshed, timers: clock.timers, fire, advance: clock.advance };
}

describe("makeRefreshThrottle", () => {
  it("refreshes a lone request at once", () => {
    const h = harness();
    h.throttle.request(["requests.list"]);
    expect(h.refreshed).toEqual([["requests.list"]]);
    expect(h.timers).toHaveLength(0);
  });

  it("merges a burst into one trailing refresh of every key asked for", () => {
    const h = harness();
    h.throttle.request(["approvals.pending"]);
    for (let i = 0; i < 100; i++) h.throttle.request(["approvals.pending", `requests.get["r${i % 2}"]`]);
    expect(h.refreshed).toHaveLength(1);
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0]?.ms).toBe(250);
    h.fire();
    expect(h.refreshed[1]).toEqual(["approvals.pending", 'requests.get["r0"]', 'requests.get["r1"]']);
  });

  it("refreshes at once again once the interval has passed", () => {
    const h = harness();
    h.throttle.request(["a"]);
    h.advance(300);
    h.throttle.request(["b"]);
    expect(h.refreshed).toEqual([["a"], ["b"]]);
  });

  it("drops what is pending on close()", () => {
    const h = harness();
    h.throttle.request(["a"]);
    h.throttle.request(["b"]);
    h.throttle.close();
    expect(h.timers.every((t) => t.cleared)).toBe(true);
    expect(h.refreshed).toEqual([["a"]]);
  });
});
