import { describe, expect, it } from "vitest";
import {
  formatProgressCursor,
  MAX_BROWSER_FRAME_BYTES,
  PROGRESS_PROTOCOL_VERSION,
  type ProgressFrame,
  parseProgressClientFrame,
  parseProgressCursor,
  parseProgressFrame,
} from "./progress.ts";

const at = "2026-11-22T10:04:00.000Z";
const v = PROGRESS_PROTOCOL_VERSION;
const eta = { expectedTotalMs: 240_000, finishAt: "2026-11-22T10:08:00.000Z", runs: 7 };

const frames: ProgressFrame[] = [
  {
    v,
    seq: 2,
    type: "snapshot",
    epoch: "abc123def",
    requestId: "req-1",
    serverTime: at,
    state: {
      stages: [
        { stage: "CLONING", startedAt: at, endedAt: at },
        { stage: "CONFIGURING", startedAt: at, endedAt: null },
      ],
      currentStage: "CONFIGURING",
      percent: 40,
      eta,
      tooLong: false,
      warnings: [],
      terminal: null,
    },
  },
  { v, seq: 3, type: "stage", stage: "POWERING_ON", at, eta: null, tooLong: false },
  { v, seq: 3, type: "percent", stage: "POWERING_ON", percent: 12.5, at },
  { v, seq: 4, type: "slow", at, eta },
  {
    v,
    seq: 5,
    type: "terminal",
    at,
    outcome: {
      status: "succeeded",
      vm: { vmwareId: "vm-42", vmName: "web-app01", hostname: "app01", ipAddress: null },
      warning: "no IPv4 address within 5 minutes",
    },
  },
  {
    v,
    seq: 5,
    type: "terminal",
    at,
    outcome: {
      status: "failed",
      code: "INSUFFICIENT_RESOURCES",
      userMessage: "The cluster is full.",
      retriable: true,
      cleanupFailed: false,
      technicalDetail: "InsufficientResourcesFault on task-7",
    },
  },
  { v, seq: 5, type: "error", code: "MALFORMED_FRAME", message: "frame is not JSON" },
];

describe("ProgressFrame", () => {
  it.each(frames.map((f) => [f.type, f] as const))("round-trips a %s frame through JSON", (_type, frame) => {
    const parsed = parseProgressFrame(JSON.stringify(frame));
    expect(parsed).toEqual({ ok: true, value: frame });
  });

  it("rejects an unknown frame type", () => {
    const parsed = parseProgressFrame(JSON.stringify({ v, seq: 1, type: "gossip" }));
    expect(parsed.ok).toBe(false);
  });

  it("rejects a frame that is not JSON", () => {
    expect(parseProgressFrame("{")).toEqual({
      ok: false,
      error: { code: "MALFORMED_FRAME", message: "frame is not JSON" },
    });
  });

  it("rejects a percent above 100", () => {
    const parsed = parseProgressFrame(
      JSON.stringify({ v, seq: 1, type: "percent", stage: "CLONING", percent: 101, at }),
    );
    expect(parsed.ok).toBe(false);
  });
});

describe("parseProgressClientFrame", () => {
  it("accepts a resync request", () => {
    expect(parseProgressClientFrame(JSON.stringify({ v, type: "resync" }))).toEqual({
      ok: true,
      value: { v, type: "resync" },
    });
  });

  it("refuses a frame over the browser cap before parsing it", () => {
    const raw = JSON.stringify({ v, type: "resync", pad: "x".repeat(MAX_BROWSER_FRAME_BYTES) });
    const parsed = parseProgressClientFrame(raw);
    expect(parsed.ok ? null : parsed.error.code).toBe("TOO_LARGE");
  });

  it("names an unknown type", () => {
    expect(parseProgressClientFrame(JSON.stringify({ v, type: "subscribe" }))).toEqual({
      ok: false,
      error: { code: "UNKNOWN_TYPE", type: "subscribe" },
    });
  });

  it("rejects extra fields such as __proto__", () => {
    const parsed = parseProgressClientFrame(`{"v":1,"type":"resync","__proto__":{"admin":true}}`);
    expect(parsed.ok ? null : parsed.error.code).toBe("MALFORMED_FRAME");
  });

  it("rejects text that is not JSON", () => {
    const parsed = parseProgressClientFrame("hello");
    expect(parsed.ok ? null : parsed.error.code).toBe("MALFORMED_FRAME");
  });

  it("rejects JSON without a type", () => {
    const parsed = parseProgressClientFrame("[1,2]");
    expect(parsed.ok ? null : parsed.error.code).toBe("MALFORMED_FRAME");
  });
});

describe("progress cursor", () => {
  it("round-trips epoch and seq", () => {
    const cursor = { epoch: "k3j2h1g0", seq: 41 };
    expect(parseProgressCursor(formatProgressCursor(cursor))).toEqual(cursor);
  });

  it.each([null, undefined, "", "41", "abc.41", "k3j2h1g0.", "k3j2h1g0.-1", "K3J2H1G0.4"])(
    "reads %j as no cursor",
    (raw) => {
      expect(parseProgressCursor(raw)).toBeNull();
    },
  );
});
