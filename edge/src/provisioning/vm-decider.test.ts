import type { ReachedStage, StageDuration, VmEvent } from "@gantry/shared/events/vm";
import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { describe, expect, it } from "vitest";
import { evolveVm, initialVmState } from "./vm.ts";
import { decideVm, type VmReport } from "./vm-decider.ts";

type TimedStage = "CLONING" | "CONFIGURING" | "POWERING_ON" | "WAITING_FOR_NETWORK";

const ref = { vmId: "req-1", requestId: "req-1", jobId: "job-req-1" };
const job = { requestId: ref.requestId, jobId: ref.jobId };
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds)).toISOString();

type Given = { event: VmEvent; occurredAt: string };
const startedAt = (s: number): Given => ({
  event: { type: "VmProvisioningStarted", data: ref },
  occurredAt: t(s),
});
const stageAt = (stage: TimedStage, s: number, previous: StageDuration | null = null): Given => ({
  event: { type: "VmProvisioningStageReached", data: { vmId: ref.vmId, stage, previous } },
  occurredAt: t(s),
});
const given = (...events: Given[]) => ({
  when: (report: VmReport) => decideVm(report, events.reduce(evolveVm, initialVmState)),
});
/** What the hub holds for the job: stages after the first, each with when it was reached. */
const held = (stage: TimedStage, s: number, previous: StageDuration | null): ReachedStage => ({
  stage,
  at: t(s),
  previous,
});
const logged = (events: VmEvent[]) => ({ ok: true, value: { events, reached: null } });

const stage = (
  s: "CLONING" | "CONFIGURING" | "POWERING_ON" | "WAITING_FOR_NETWORK" | "READY",
  at: number,
): VmReport => ({ ...job, receivedAt: t(at), update: { kind: "stage", stage: s, at: t(at) } });
const vm = { vmwareId: "vm-42", vmName: "web-web-01", hostname: "web-01", ipAddress: "10.0.0.5" };
const failure: ProvisioningFailure = {
  code: "TASK_FAILED",
  userMessage: "It broke.",
  technicalDetail: "CloneVM_Task: InvalidState",
  retriable: false,
  attempts: 2,
  cleanupFailed: false,
};

describe("Vm decider", () => {
  it("opens the VM's stream with the first stage, in one event", () => {
    expect(given().when(stage("CLONING", 0))).toEqual(
      logged([{ type: "VmProvisioningStarted", data: { ...ref, stage: "CLONING" } }]),
    );
  });

  it("times stages by the edge's receipt, whatever the agent's clock says", () => {
    // an agent whose clock runs a day ahead: its `at` is metadata, the duration is the edge's 42 s
    const ahead = new Date(Date.parse(t(42)) + 86_400_000).toISOString();
    const report: VmReport = {
      ...job,
      receivedAt: t(42),
      update: { kind: "stage", stage: "CONFIGURING", at: ahead },
    };
    expect(given(startedAt(0), stageAt("CLONING", 0)).when(report)).toMatchObject({
      ok: true,
      value: { reached: { previous: { stage: "CLONING", durationMs: 42_000 } } },
    });
  });

  it("gives a later stage to the hub to hold, with how long the previous one took, and logs nothing", () => {
    expect(given(startedAt(0), stageAt("CLONING", 0)).when(stage("CONFIGURING", 42))).toEqual({
      ok: true,
      value: { events: [], reached: held("CONFIGURING", 42, { stage: "CLONING", durationMs: 42_000 }) },
    });
    // the stage before is one the hub holds: it is timed from when that one was reached
    const first: Given = {
      event: { type: "VmProvisioningStarted", data: { ...ref, stage: "CLONING" } },
      occurredAt: t(0),
    };
    const holding = [held("CONFIGURING", 42, { stage: "CLONING", durationMs: 42_000 })];
    expect(given(first).when({ ...stage("POWERING_ON", 50), stagesReached: holding })).toEqual({
      ok: true,
      value: { events: [], reached: held("POWERING_ON", 50, { stage: "CONFIGURING", durationMs: 8_000 }) },
    });
  });

  it("ignores a repeated stage and a stage that goes backwards, logged or held", () => {
    const history = [startedAt(0), stageAt("CLONING", 0), stageAt("POWERING_ON", 10)];
    expect(given(...history).when(stage("POWERING_ON", 11))).toEqual(logged([]));
    expect(given(...history).when(stage("CONFIGURING", 12))).toEqual(logged([]));
    const holding = [held("POWERING_ON", 10, { stage: "CLONING", durationMs: 10_000 })];
    const opened = [startedAt(0), stageAt("CLONING", 0)];
    expect(given(...opened).when({ ...stage("POWERING_ON", 11), stagesReached: holding })).toEqual(
      logged([]),
    );
    expect(given(...opened).when({ ...stage("CONFIGURING", 12), stagesReached: holding })).toEqual(
      logged([]),
    );
  });

  it("leaves the READY stage to the success report", () => {
    expect(given(startedAt(0), stageAt("CLONING", 0)).when(stage("READY", 5))).toEqual(logged([]));
  });

  it("carries the held stages on the outcome, timed as if they had been logged", () => {
    const holding = [held("CONFIGURING", 30, { stage: "CLONING", durationMs: 30_000 })];
    const opened = [startedAt(0), stageAt("CLONING", 0)];
    const succeeded = given(...opened).when({
      ...job,
      receivedAt: t(45),
      update: { kind: "succeeded", vm, at: t(45) },
      stagesReached: holding,
    });
    const stageDurations: StageDuration[] = [
      { stage: "CLONING", durationMs: 30_000 },
      { stage: "CONFIGURING", durationMs: 15_000 },
    ];
    expect(succeeded).toEqual(
      logged([
        {
          type: "VmProvisioned",
          data: { vmId: ref.vmId, ...vm, warning: null, stageDurations, stages: holding },
        },
      ]),
    );
    const failed = given(...opened).when({
      ...job,
      receivedAt: t(45),
      update: { kind: "failed", failure, at: t(45) },
      stagesReached: holding,
    });
    expect(failed).toEqual(
      logged([
        {
          type: "VmProvisioningFailed",
          data: { vmId: ref.vmId, stage: "CONFIGURING", failure, stages: holding },
        },
      ]),
    );
  });

  it("carries only the stages the hub holds when the log holds the earlier ones as events (a run under way at deploy)", () => {
    const loggedBefore = [
      startedAt(0),
      stageAt("CLONING", 0),
      stageAt("CONFIGURING", 30, { stage: "CLONING", durationMs: 30_000 }),
    ];
    const holding = [held("POWERING_ON", 40, { stage: "CONFIGURING", durationMs: 10_000 })];
    const result = given(...loggedBefore).when({
      ...job,
      receivedAt: t(45),
      update: { kind: "succeeded", vm, at: t(45) },
      stagesReached: holding,
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        events: [
          {
            type: "VmProvisioned",
            data: {
              stages: holding,
              stageDurations: [
                { stage: "CLONING", durationMs: 30_000 },
                { stage: "CONFIGURING", durationMs: 10_000 },
                { stage: "POWERING_ON", durationMs: 5_000 },
              ],
            },
          },
        ],
      },
    });
  });

  it("records success with every stage's duration", () => {
    const history = [
      startedAt(0),
      stageAt("CLONING", 0),
      stageAt("CONFIGURING", 30, { stage: "CLONING", durationMs: 30_000 }),
    ];
    const result = given(...history).when({
      ...job,
      receivedAt: t(45),
      update: { kind: "succeeded", vm, at: t(45) },
    });
    expect(result).toEqual(
      logged([
        {
          type: "VmProvisioned",
          data: {
            vmId: ref.vmId,
            ...vm,
            warning: null,
            stageDurations: [
              { stage: "CLONING", durationMs: 30_000 },
              { stage: "CONFIGURING", durationMs: 15_000 },
            ],
          },
        },
      ]),
    );
  });

  it("records a failure with the stage it happened in", () => {
    const result = given(startedAt(0), stageAt("CLONING", 0)).when({
      ...job,
      receivedAt: t(9),
      update: { kind: "failed", failure, at: t(9) },
    });
    expect(result).toEqual(
      logged([{ type: "VmProvisioningFailed", data: { vmId: ref.vmId, stage: "CLONING", failure } }]),
    );
  });

  it("opens the stream when the first report is already the outcome", () => {
    const result = given().when({ ...job, receivedAt: t(1), update: { kind: "failed", failure, at: t(1) } });
    expect(result.ok && result.value.events.map((e) => e.type)).toEqual([
      "VmProvisioningStarted",
      "VmProvisioningFailed",
    ]);
  });

  it("ignores everything after READY or FAILED", () => {
    const done: Given = {
      event: { type: "VmProvisioningFailed", data: { vmId: ref.vmId, stage: null, failure } },
      occurredAt: t(3),
    };
    expect(given(startedAt(0), done).when(stage("CONFIGURING", 4))).toEqual(logged([]));
    expect(
      given(startedAt(0), done).when({
        ...job,
        receivedAt: t(5),
        update: { kind: "succeeded", vm, at: t(5) },
      }),
    ).toEqual(logged([]));
  });

  it("refuses a report for another job of the same VM", () => {
    const result = given(startedAt(0)).when({
      ...job,
      jobId: "job-other",
      receivedAt: t(1),
      update: { kind: "stage", stage: "CLONING", at: t(1) },
    });
    expect(result.ok ? "ok" : result.error.code).toBe("JOB_MISMATCH");
  });
});
