import { describe, expect, it } from "vitest";
import { emptyProgressState } from "./progress-state.ts";
import { stepperInputFrom } from "./stepper-input.ts";

const request = {
  status: "PROVISIONING" as const,
  createdAt: "2026-11-22T10:00:00Z",
  stage: "CLONING" as const,
};

describe("stepperInputFrom", () => {
  it("uses the loaded stages until the stream has something", () => {
    const input = stepperInputFrom(
      request,
      [{ stage: "CLONING", startedAt: "2026-11-22T10:01:00Z", durationMs: null }],
      null,
    );
    expect(input).toEqual({
      createdAt: "2026-11-22T10:00:00Z",
      stageTimes: { CLONING: "2026-11-22T10:01:00Z" },
      currentStage: "CLONING",
      percent: null,
      outcome: "running",
    });
  });

  it("lets the live stream add stages, percent and the outcome", () => {
    const live = {
      ...emptyProgressState(),
      stages: [
        { stage: "CLONING" as const, startedAt: "2026-11-22T10:01:00Z", endedAt: "2026-11-22T10:02:00Z" },
        { stage: "CONFIGURING" as const, startedAt: "2026-11-22T10:02:00Z", endedAt: null },
      ],
      currentStage: "CONFIGURING" as const,
      percent: 12,
    };
    const input = stepperInputFrom({ ...request, status: "APPROVED", stage: null }, [], live);
    expect(input.currentStage).toBe("CONFIGURING");
    expect(input.stageTimes.CONFIGURING).toBe("2026-11-22T10:02:00Z");
    expect(input.percent).toBe(12);
    expect(input.outcome).toBe("running");
  });

  it("waits while approved and nothing has started", () => {
    expect(
      stepperInputFrom({ ...request, status: "APPROVED", stage: null }, [], emptyProgressState()).outcome,
    ).toBe("waiting");
  });

  it("takes the terminal outcome from the stream before the summary knows", () => {
    const live = {
      ...emptyProgressState(),
      terminal: {
        at: "2026-11-22T10:03:00Z",
        outcome: {
          status: "failed" as const,
          code: "TASK_FAILED" as const,
          userMessage: "vCenter could not finish creating the VM.",
          retriable: false,
          cleanupFailed: false,
        },
      },
    };
    expect(stepperInputFrom(request, [], live).outcome).toBe("failed");
    expect(stepperInputFrom({ ...request, status: "READY" }, [], null).outcome).toBe("succeeded");
  });

  it("holds a READY stage back until the outcome with the VM arrives", () => {
    const reached = {
      ...emptyProgressState(),
      stages: [
        {
          stage: "WAITING_FOR_NETWORK" as const,
          startedAt: "2026-11-22T10:04:00Z",
          endedAt: "2026-11-22T10:05:00Z",
        },
        { stage: "READY" as const, startedAt: "2026-11-22T10:05:00Z", endedAt: null },
      ],
      currentStage: "READY" as const,
    };
    const held = stepperInputFrom(request, [], reached);
    expect(held.currentStage).toBe("WAITING_FOR_NETWORK");
    expect(held.stageTimes.READY).toBeUndefined();
    expect(held.outcome).toBe("running");
    const done = stepperInputFrom(request, [], {
      ...reached,
      terminal: {
        at: "2026-11-22T10:05:00Z",
        outcome: {
          status: "succeeded" as const,
          vm: { vmwareId: "vm-9", vmName: "web-web-01", hostname: "web-01", ipAddress: "10.0.0.9" },
          warning: null,
        },
      },
    });
    expect(done).toMatchObject({ currentStage: "READY", outcome: "succeeded" });
    expect(done.stageTimes.READY).toBe("2026-11-22T10:05:00Z");
  });
});
