import { describe, expect, it } from "vitest";
import { deriveSteps, describeProgress, type StepperInput } from "./stepper.ts";

const base: StepperInput = {
  createdAt: "2026-11-22T10:00:00Z",
  stageTimes: {},
  currentStage: null,
  percent: null,
  outcome: "waiting",
};

const states = (input: StepperInput) => deriveSteps(input).map((s) => s.state);

describe("deriveSteps", () => {
  it("shows only Created as done while the request waits", () => {
    expect(states(base)).toEqual(["done", "pending", "pending", "pending", "pending", "pending"]);
    expect(deriveSteps(base)[0]?.at).toBe("2026-11-22T10:00:00Z");
  });

  it("marks cloning current with its percent", () => {
    const steps = deriveSteps({
      ...base,
      outcome: "running",
      currentStage: "CLONING",
      stageTimes: { CLONING: "2026-11-22T10:01:00Z" },
      percent: 42.4,
    });
    expect(steps.map((s) => s.state)).toEqual([
      "done",
      "current",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
    expect(steps[1]?.percent).toBe(42);
    expect(steps[1]?.at).toBe("2026-11-22T10:01:00Z");
  });

  it("shows the start of the run as cloning even before the first stage frame", () => {
    expect(states({ ...base, outcome: "running" })).toEqual([
      "done",
      "current",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
  });

  it("gives done stages their completion time, taken from the next stage's start", () => {
    const steps = deriveSteps({
      ...base,
      outcome: "running",
      currentStage: "POWERING_ON",
      stageTimes: {
        CLONING: "2026-11-22T10:01:00Z",
        CONFIGURING: "2026-11-22T10:02:00Z",
        POWERING_ON: "2026-11-22T10:03:00Z",
      },
      percent: 100,
    });
    expect(steps.map((s) => s.state)).toEqual(["done", "done", "done", "current", "pending", "pending"]);
    expect(steps[1]?.at).toBe("2026-11-22T10:02:00Z");
    expect(steps[2]?.at).toBe("2026-11-22T10:03:00Z");
    expect(steps[3]?.percent).toBeNull();
  });

  it("completes every step once ready", () => {
    const steps = deriveSteps({
      ...base,
      outcome: "succeeded",
      currentStage: "READY",
      stageTimes: { READY: "2026-11-22T10:05:00Z" },
    });
    expect(steps.every((s) => s.state === "done")).toBe(true);
    expect(steps[5]?.at).toBe("2026-11-22T10:05:00Z");
  });

  it("treats a READY stage frame as success even before the terminal frame", () => {
    expect(states({ ...base, outcome: "running", currentStage: "READY" })).toEqual(Array(6).fill("done"));
  });

  it("marks the stage that was running as failed and leaves the rest pending", () => {
    expect(
      states({
        ...base,
        outcome: "failed",
        currentStage: "CONFIGURING",
        stageTimes: { CLONING: "2026-11-22T10:01:00Z", CONFIGURING: "2026-11-22T10:02:00Z" },
      }),
    ).toEqual(["done", "done", "failed", "pending", "pending", "pending"]);
  });

  it("uses the latest stage with a time when the current stage lags behind", () => {
    expect(
      states({
        ...base,
        outcome: "running",
        currentStage: "CLONING",
        stageTimes: { CLONING: "2026-11-22T10:01:00Z", CONFIGURING: "2026-11-22T10:02:00Z" },
      }),
    ).toEqual(["done", "done", "current", "pending", "pending", "pending"]);
  });
});

describe("describeProgress", () => {
  it("announces the current step without the percent", () => {
    const steps = deriveSteps({ ...base, outcome: "running", currentStage: "CLONING", percent: 30 });
    expect(describeProgress(steps)).toBe("Cloning in progress.");
  });

  it("announces readiness and failure plainly", () => {
    expect(describeProgress(deriveSteps({ ...base, outcome: "succeeded" }))).toBe("The VM is ready.");
    expect(describeProgress(deriveSteps({ ...base, outcome: "succeeded" }), "Your VM is ready.")).toBe(
      "Your VM is ready.",
    );
    expect(describeProgress(deriveSteps({ ...base, outcome: "failed", currentStage: "CLONING" }))).toBe(
      "Provisioning failed during cloning.",
    );
    expect(describeProgress(deriveSteps(base))).toBe("Waiting to start.");
  });
});
