import { describe, expect, it } from "vitest";
import { notifierWaker } from "./notifier.ts";

/** A run the test ends by hand, counting how many started. */
function runs() {
  const ends: Array<() => void> = [];
  let started = 0;
  const run = () =>
    new Promise<void>((resolve) => {
      started += 1;
      ends.push(resolve);
    });
  const endNext = async () => {
    ends.shift()?.();
    // let the loop see the end and start the next run, if any
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { run, endNext, started: () => started };
}

describe("notifierWaker", () => {
  it("folds wake-ups during a run into one more run, and starts afresh once idle", async () => {
    const wakeNotifier = notifierWaker();
    const r = runs();
    const first = wakeNotifier(r.run);
    // three commits while the first run reads: they share its promise and cause one more run, not three
    expect(wakeNotifier(r.run)).toBe(first);
    expect(wakeNotifier(r.run)).toBe(first);
    expect(wakeNotifier(r.run)).toBe(first);
    expect(r.started()).toBe(1);
    await r.endNext();
    expect(r.started()).toBe(2);
    await r.endNext();
    await first;
    expect(r.started()).toBe(2);
    // idle again: the next wake-up is a new run
    const next = wakeNotifier(r.run);
    expect(next).not.toBe(first);
    expect(r.started()).toBe(3);
    await r.endNext();
    await next;
  });
});
