import { describe, expect, it } from "vitest";
import {
  computeEta,
  expectedTotalMs,
  SLOW_FLOOR_MS,
  type StageStats,
  slowThreshold,
} from "../src/projections/eta.ts";

const t0 = Date.parse("2026-11-22T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const stats: StageStats = {
  runs: 4,
  averageMs: { CLONING: 120_000, CONFIGURING: 30_000, POWERING_ON: 20_000, WAITING_FOR_NETWORK: 30_000 },
};
const cloning = [{ stage: "CLONING" as const, startedAt: iso(t0), endedAt: null }];

describe("expectedTotalMs", () => {
  it("sums the average of every stage, counting stages without samples as zero", () => {
    expect(expectedTotalMs(stats)).toBe(200_000);
  });

  it("is null without history", () => {
    expect(expectedTotalMs(null)).toBeNull();
    expect(expectedTotalMs({ runs: 0, averageMs: {} })).toBeNull();
  });
});

describe("computeEta", () => {
  it("adds the unspent part of the current stage to the averages of the later ones", () => {
    const eta = computeEta({ stats, stages: cloning, now: t0 + 20_000 });
    expect(eta).toEqual({ expectedTotalMs: 200_000, finishAt: iso(t0 + 200_000), runs: 4 });
  });

  it("does not count an overrun stage below zero", () => {
    const eta = computeEta({ stats, stages: cloning, now: t0 + 300_000 });
    expect(eta?.finishAt).toBe(iso(t0 + 300_000 + 80_000));
  });

  it("counts only the stages after the current one", () => {
    const stages = [
      { stage: "CLONING" as const, startedAt: iso(t0), endedAt: iso(t0 + 100_000) },
      { stage: "WAITING_FOR_NETWORK" as const, startedAt: iso(t0 + 100_000), endedAt: null },
    ];
    expect(computeEta({ stats, stages, now: t0 + 100_000 })?.finishAt).toBe(iso(t0 + 130_000));
  });

  it("shows no ETA without history rather than a guess", () => {
    expect(computeEta({ stats: null, stages: cloning, now: t0 })).toBeNull();
    expect(computeEta({ stats: { runs: 0, averageMs: {} }, stages: cloning, now: t0 })).toBeNull();
  });

  it("shows no ETA before the first stage or once no stage is open", () => {
    expect(computeEta({ stats, stages: [], now: t0 })).toBeNull();
    const ended = [{ stage: "READY" as const, startedAt: iso(t0), endedAt: iso(t0 + 1) }];
    expect(computeEta({ stats, stages: ended, now: t0 })).toBeNull();
  });
});

describe("slowThreshold", () => {
  it("is ten minutes after the start when twice the expected total is shorter", () => {
    expect(slowThreshold({ stats, stages: cloning })).toBe(t0 + SLOW_FLOOR_MS);
  });

  it("is twice the expected total after the start when that is longer than ten minutes", () => {
    const slowTemplate: StageStats = { runs: 2, averageMs: { CLONING: 600_000 } };
    expect(slowThreshold({ stats: slowTemplate, stages: cloning })).toBe(t0 + 1_200_000);
  });

  it("is ten minutes after the start for a first run of a template and size (no history)", () => {
    expect(slowThreshold({ stats: null, stages: cloning })).toBe(t0 + SLOW_FLOOR_MS);
    expect(slowThreshold({ stats: { runs: 0, averageMs: {} }, stages: cloning })).toBe(t0 + SLOW_FLOOR_MS);
  });

  it("follows a configured floor, and is null before the first stage", () => {
    expect(slowThreshold({ stats: null, stages: cloning, floorMs: 5000 })).toBe(t0 + 5000);
    expect(slowThreshold({ stats, stages: [] })).toBeNull();
  });
});
