import { describe, expect, it } from "vitest";
import { remainingMs, type StageAverages } from "./stage-duration-queries.ts";

const averages: StageAverages = {
  runs: 3,
  ms: { CLONING: 40_000, CONFIGURING: 10_000, POWERING_ON: 5_000, WAITING_FOR_NETWORK: 20_000 },
};
const now = new Date("2026-03-02T10:00:30.000Z");

describe("remainingMs", () => {
  it("adds what is left of the current stage to the averages of the later ones", () => {
    expect(remainingMs(averages, { stage: "CLONING", since: "2026-03-02T10:00:00.000Z", now })).toBe(
      10_000 + 35_000,
    );
  });

  it("counts an overrunning stage as finishing now", () => {
    expect(remainingMs(averages, { stage: "CONFIGURING", since: "2026-03-02T09:00:00.000Z", now })).toBe(
      25_000,
    );
  });

  it("estimates the whole run before the first stage and nothing at READY", () => {
    expect(remainingMs(averages, { stage: null, since: null, now })).toBe(75_000);
    expect(remainingMs(averages, { stage: "READY", since: "2026-03-02T10:00:00.000Z", now })).toBe(0);
  });
});
