import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { applyFrame, emptyProgressState, type LiveProgress, secondsRemaining } from "./progress-state.ts";

const snapshot = (seq = 0): ProgressFrame => ({
  v: 1,
  seq,
  type: "snapshot",
  epoch: "abc123",
  requestId: "req-1",
  serverTime: "2026-11-22T10:00:10Z",
  state: emptyProgressState(),
});

function applied(current: LiveProgress | null, frame: ProgressFrame, at?: Date): LiveProgress {
  const outcome = applyFrame(current, frame, at);
  if (outcome.kind !== "applied") throw new Error(`expected applied, got ${outcome.kind}`);
  return outcome.progress;
}

const eta = { expectedTotalMs: 90_000, finishAt: "2026-11-22T10:01:40Z", runs: 3 };

describe("applyFrame", () => {
  it("takes a snapshot whole and records the clock offset", () => {
    const p = applied(null, snapshot(4), new Date("2026-11-22T10:00:00Z"));
    expect(p.seq).toBe(4);
    expect(p.epoch).toBe("abc123");
    expect(p.clockOffsetMs).toBe(10_000);
  });

  it("opens a stage and closes the previous one", () => {
    let p = applied(null, snapshot());
    p = applied(p, {
      v: 1,
      seq: 1,
      type: "stage",
      stage: "CLONING",
      at: "2026-11-22T10:00:11Z",
      eta,
      tooLong: false,
    });
    p = applied(p, {
      v: 1,
      seq: 2,
      type: "stage",
      stage: "CONFIGURING",
      at: "2026-11-22T10:00:40Z",
      eta,
      tooLong: false,
    });
    expect(p.state.currentStage).toBe("CONFIGURING");
    expect(p.state.stages).toEqual([
      { stage: "CLONING", startedAt: "2026-11-22T10:00:11Z", endedAt: "2026-11-22T10:00:40Z" },
      { stage: "CONFIGURING", startedAt: "2026-11-22T10:00:40Z", endedAt: null },
    ]);
    expect(p.state.eta).toEqual(eta);
  });

  it("applies percent only to the current stage", () => {
    let p = applied(null, snapshot());
    p = applied(p, {
      v: 1,
      seq: 1,
      type: "stage",
      stage: "CLONING",
      at: "2026-11-22T10:00:11Z",
      eta: null,
      tooLong: false,
    });
    p = applied(p, {
      v: 1,
      seq: 1,
      type: "percent",
      stage: "CLONING",
      percent: 55,
      at: "2026-11-22T10:00:20Z",
    });
    expect(p.state.percent).toBe(55);
    expect(
      applyFrame(p, {
        v: 1,
        seq: 1,
        type: "percent",
        stage: "CONFIGURING",
        percent: 10,
        at: "2026-11-22T10:00:21Z",
      }).kind,
    ).toBe("ignored");
  });

  it("ignores a durable frame it has already applied", () => {
    let p = applied(null, snapshot());
    p = applied(p, { v: 1, seq: 1, type: "slow", at: "2026-11-22T10:20:00Z", eta: null });
    expect(applyFrame(p, { v: 1, seq: 1, type: "slow", at: "2026-11-22T10:20:00Z", eta: null }).kind).toBe(
      "ignored",
    );
    expect(p.state.tooLong).toBe(true);
  });

  it("asks for a resync when a durable frame was missed", () => {
    const p = applied(null, snapshot(3));
    expect(
      applyFrame(p, {
        v: 1,
        seq: 5,
        type: "stage",
        stage: "READY",
        at: "2026-11-22T10:02:00Z",
        eta: null,
        tooLong: false,
      }).kind,
    ).toBe("resync");
  });

  it("asks for a snapshot when a durable frame arrives first", () => {
    expect(applyFrame(null, { v: 1, seq: 1, type: "slow", at: "2026-11-22T10:20:00Z", eta: null }).kind).toBe(
      "resync",
    );
  });

  it("records the terminal outcome and stops taking percents", () => {
    let p = applied(null, snapshot());
    p = applied(p, {
      v: 1,
      seq: 1,
      type: "stage",
      stage: "CLONING",
      at: "2026-11-22T10:00:11Z",
      eta: null,
      tooLong: false,
    });
    p = applied(p, {
      v: 1,
      seq: 2,
      type: "terminal",
      at: "2026-11-22T10:00:30Z",
      outcome: {
        status: "failed",
        code: "INSUFFICIENT_RESOURCES",
        userMessage: "The cluster has no room.",
        retriable: false,
        cleanupFailed: false,
      },
    });
    expect(p.state.terminal?.outcome.status).toBe("failed");
    expect(p.state.stages[0]?.endedAt).toBe("2026-11-22T10:00:30Z");
    expect(
      applyFrame(p, {
        v: 1,
        seq: 2,
        type: "percent",
        stage: "CLONING",
        percent: 80,
        at: "2026-11-22T10:00:31Z",
      }).kind,
    ).toBe("ignored");
  });
});

describe("secondsRemaining", () => {
  it("counts down to finishAt by the server's clock", () => {
    let p = applied(null, snapshot(), new Date("2026-11-22T10:00:00Z"));
    p = applied(p, {
      v: 1,
      seq: 1,
      type: "stage",
      stage: "CLONING",
      at: "2026-11-22T10:00:11Z",
      eta,
      tooLong: false,
    });
    // browser says 10:00:30, server says 10:00:40: 60 s left
    expect(secondsRemaining(p, new Date("2026-11-22T10:00:30Z"))).toBe(60);
    expect(secondsRemaining(p, new Date("2026-11-22T10:05:00Z"))).toBe(0);
  });

  it("has nothing to say without an estimate", () => {
    expect(secondsRemaining(applied(null, snapshot()), new Date())).toBeNull();
  });
});
