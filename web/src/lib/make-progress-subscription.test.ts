import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { fakeStreams } from "../test-support/fake-streams.ts";
import { fakeTimers } from "../test-support/fake-timers.ts";
import { type ConnectionState, makeProgressSubscription } from "./make-progress-subscription.ts";
import { emptyProgressState, type LiveProgress } from "./progress-state.ts";

function harness() {
  const fakes = fakeStreams<{ requestId: string; lastEventId: string | null }>();
  const clock = fakeTimers();
  const states: ConnectionState[] = [];
  const updates: LiveProgress[] = [];
  const keeper = makeProgressSubscription({
    requestId: "req-1",
    subscribe: fakes.subscribe,
    isFatal: (error) => error === "NOT_FOUND",
    onProgress: (p) => updates.push(p),
    onConnection: (s) => states.push(s),
    random: () => 0.5,
    setTimer: clock.setTimer,
  });
  const send = (frame: ProgressFrame, id = `ep0001.${frame.seq}`) =>
    fakes.last().handlers.onData({ id, data: frame });
  return {
    keeper,
    subs: fakes.streams,
    timers: clock.timers,
    states,
    updates,
    last: fakes.last,
    send,
    runRetry: () => clock.runNext(),
  };
}

const snapshot: ProgressFrame = {
  v: 1,
  seq: 2,
  type: "snapshot",
  epoch: "ep0001",
  requestId: "req-1",
  serverTime: "2026-11-22T10:00:00Z",
  state: emptyProgressState(),
};
const stage = (seq: number): ProgressFrame => ({
  v: 1,
  seq,
  type: "stage",
  stage: "CLONING",
  at: "2026-11-22T10:00:01Z",
  eta: null,
  tooLong: false,
});
const terminal: ProgressFrame = {
  v: 1,
  seq: 4,
  type: "terminal",
  at: "2026-11-22T10:01:00Z",
  outcome: {
    status: "succeeded",
    vm: { vmwareId: "vm-1", vmName: "web-web-01", hostname: "web-01", ipAddress: "10.0.0.5" },
    warning: null,
  },
};

describe("makeProgressSubscription", () => {
  it("subscribes without a cursor and applies tracked frames in order", () => {
    const h = harness();
    expect(h.last().input).toEqual({ requestId: "req-1", lastEventId: null });
    h.last().handlers.onConnectionStateChange("pending");
    h.send(snapshot);
    h.send(stage(3));
    expect(h.updates.at(-1)?.state.currentStage).toBe("CLONING");
    expect(h.states).toEqual(["connecting", "open"]);
  });

  it("resumes after the last applied frame when the stream ends early", () => {
    const h = harness();
    h.send(snapshot);
    h.send(stage(3));
    h.last().handlers.onComplete();
    expect(h.states.at(-1)).toBe("reconnecting");
    h.runRetry();
    expect(h.last().input.lastEventId).toBe("ep0001.3");
  });

  it("starts over from a snapshot when it notices a gap", () => {
    const h = harness();
    h.send(snapshot);
    h.send(stage(5));
    expect(h.subs[0]?.unsubscribed).toBe(true);
    expect(h.subs).toHaveLength(2);
    expect(h.last().input.lastEventId).toBeNull();
    expect(h.updates).toHaveLength(1);
  });

  it("skips frames that do not parse", () => {
    const h = harness();
    h.last().handlers.onData({ id: "x", data: { v: 1, seq: 1, type: "mystery" } });
    h.last().handlers.onData("garbage");
    expect(h.updates).toHaveLength(0);
  });

  it("stops for good once the terminal frame arrived and the stream completed", () => {
    const h = harness();
    h.send(snapshot);
    h.send(stage(3));
    h.send(terminal);
    h.last().handlers.onComplete();
    expect(h.states.at(-1)).toBe("complete");
    expect(h.timers).toHaveLength(0);
  });

  it("gives up on a fatal error and retries other errors with backoff", () => {
    const fatal = harness();
    fatal.last().handlers.onError("NOT_FOUND");
    expect(fatal.states.at(-1)).toBe("refused");
    expect(fatal.timers).toHaveLength(0);

    const transient = harness();
    transient.last().handlers.onError("SERVICE_UNAVAILABLE");
    expect(transient.states.at(-1)).toBe("reconnecting");
    expect(transient.timers[0]?.ms).toBe(1000);
    transient.runRetry();
    expect(transient.subs).toHaveLength(2);
  });

  it("ignores callbacks from a subscription it already replaced", () => {
    const h = harness();
    const first = h.last();
    h.send(snapshot);
    h.send(stage(5));
    first.handlers.onComplete();
    expect(h.timers).toHaveLength(0);
  });

  it("unsubscribes and cancels the retry on close()", () => {
    const h = harness();
    h.last().handlers.onError("SERVICE_UNAVAILABLE");
    h.keeper.close();
    expect(h.timers.every((t) => t.cleared)).toBe(true);
    expect(h.subs.every((s) => s.unsubscribed)).toBe(true);
  });
});
