import { describe, expect, it } from "vitest";
import { fakeStreams } from "../test-support/fake-streams.ts";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { makeReconnectingStream, type StreamStep } from "./make-reconnecting-stream.ts";

/** Every hook answers what the test put in `answers`; the streams, timers and clock are fakes. */
function harness(options: { minUptimeMs?: number; random?: number } = {}) {
  const fakes = fakeStreams<{ failures: number }>();
  const clock = fakeTimers();
  const answers: { data: StreamStep; error: StreamStep; complete: StreamStep; link: StreamStep } = {
    data: "delivered",
    error: "retry",
    complete: "retry",
    link: "continue",
  };
  let retries = 0;
  const stream = makeReconnectingStream({
    open: (handlers, failures) => fakes.subscribe({ failures }, handlers),
    onData: () => answers.data,
    onError: () => answers.error,
    onComplete: () => answers.complete,
    onConnectionStateChange: () => answers.link,
    onRetry: () => {
      retries += 1;
    },
    random: () => options.random ?? 0.5,
    now: clock.now,
    setTimer: clock.setTimer,
    ...(options.minUptimeMs !== undefined && { minUptimeMs: options.minUptimeMs }),
  });
  const fail = () => {
    fakes.last().handlers.onError("SERVICE_UNAVAILABLE");
    clock.runNext();
  };
  return {
    stream,
    streams: fakes.streams,
    timers: clock.timers,
    answers,
    retries: () => retries,
    advance: clock.advance,
    last: fakes.last,
    runRetry: () => clock.runNext(),
    fail,
  };
}

describe("makeReconnectingStream", () => {
  it("opens a stream at once, as the first of no failures", () => {
    const h = harness();
    expect(h.streams).toHaveLength(1);
    expect(h.last().input.failures).toBe(0);
  });

  it("retries after a full-jitter delay that doubles per failure up to 10 s", () => {
    const h = harness({ random: 0.999 });
    for (let i = 0; i < 5; i += 1) h.fail();
    expect(h.timers.map((t) => t.ms)).toEqual([1998, 3996, 7992, 9990, 9990]);
    expect(h.streams.map((s) => s.input.failures)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.retries()).toBe(5);
  });

  it("waits at least 250 ms, however low the draw", () => {
    const h = harness({ random: 0 });
    h.last().handlers.onComplete();
    expect(h.timers[0]?.ms).toBe(250);
  });

  it("unsubscribes the dropped stream and ignores its late events, also while the retry waits", () => {
    const h = harness();
    const first = h.last();
    first.handlers.onError("SERVICE_UNAVAILABLE");
    expect(first.unsubscribed).toBe(true);
    first.handlers.onComplete();
    first.handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers).toHaveLength(1);
    h.runRetry();
    first.handlers.onComplete();
    expect(h.timers).toHaveLength(1);
    expect(h.streams).toHaveLength(2);
  });

  it("forgets the failures once a stream delivered, by default", () => {
    const h = harness();
    h.fail();
    h.fail();
    h.last().handlers.onData("frame");
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000, 1000]);
  });

  it("forgets the failures only after a stream stayed up for minUptimeMs", () => {
    const h = harness({ minUptimeMs: 5000 });
    h.fail();
    h.last().handlers.onData("frame");
    h.advance(4999);
    h.fail();
    expect(h.last().input.failures).toBe(2);
    h.last().handlers.onData("frame");
    h.advance(5000);
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers.at(-1)?.ms).toBe(1000);
  });

  it("a stream that never delivered does not end the streak", () => {
    const h = harness();
    h.fail();
    h.advance(60_000);
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(h.timers.at(-1)?.ms).toBe(2000);
  });

  it("reopens at once, without a delay or a failure, when a hook answers reopen", () => {
    const h = harness();
    h.answers.data = "reopen";
    h.last().handlers.onData("gap");
    expect(h.streams[0]?.unsubscribed).toBe(true);
    expect(h.streams).toHaveLength(2);
    expect(h.last().input.failures).toBe(0);
    expect(h.timers).toHaveLength(0);
  });

  it("retries when the link state hook says so, and does nothing on continue", () => {
    const h = harness();
    h.last().handlers.onConnectionStateChange("pending");
    expect(h.timers).toHaveLength(0);
    h.answers.link = "retry";
    h.last().handlers.onConnectionStateChange("connecting");
    expect(h.timers).toHaveLength(1);
  });

  it("opens no more after stop", () => {
    const h = harness();
    h.answers.error = "stop";
    h.last().handlers.onError("UNAUTHORIZED");
    expect(h.last().unsubscribed).toBe(true);
    expect(h.timers).toHaveLength(0);
    h.last().handlers.onComplete();
    expect(h.timers).toHaveLength(0);
    expect(h.streams).toHaveLength(1);
  });

  it("close() unsubscribes, cancels a waiting retry and silences the stream", () => {
    const h = harness();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.runRetry();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.stream.close();
    expect(h.timers.every((t) => t.cleared)).toBe(true);
    expect(h.streams.every((s) => s.unsubscribed)).toBe(true);
    h.last().handlers.onComplete();
    expect(h.timers).toHaveLength(2);
  });
});
