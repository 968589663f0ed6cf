import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { ReachedStage, VmEvent } from "@gantry/shared/events/vm";
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../src/event-store/stored-event.ts";
import { withHeldStages } from "../src/projections/carried-events.ts";
import { stagesOf, timelineOf } from "../src/projections/timeline.ts";
import { evolveVm, initialVmState } from "../src/provisioning/vm.ts";
import { transitionsIn } from "../src/request-progress/progress-log.ts";
import { rebuildFromLog } from "../src/request-progress/rebuild.ts";

// Logs written before the stages after the first rode on the outcome hold an event per stage; logs
// written since carry them on VmProvisioned or VmProvisioningFailed. Every reader must see one run.

let position = 0;
const stored = (event: DomainEvent, at: string): StoredEvent => ({
  position: ++position,
  streamId: "vm:r",
  version: position,
  eventId: `e${position}`,
  event,
  occurredAt: at,
  metadata: {
    tenantId: "acme",
    actorId: "agent-1",
    actorKind: "agent",
    correlationId: "job-r",
    causationId: null,
  },
});

const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, s)).toISOString();
const ids = { vmId: "r", requestId: "r", jobId: "job-r" };
const started = stored({ type: "VmProvisioningStarted", data: { ...ids, stage: "CLONING" } }, at(0));
const reached: ReachedStage[] = [
  { stage: "CONFIGURING", at: at(20), previous: { stage: "CLONING", durationMs: 20_000 } },
  { stage: "POWERING_ON", at: at(30), previous: { stage: "CONFIGURING", durationMs: 10_000 } },
  { stage: "WAITING_FOR_NETWORK", at: at(45), previous: { stage: "POWERING_ON", durationMs: 15_000 } },
];
const asEvents = (stages: readonly ReachedStage[]) =>
  stages.map(({ stage, at, previous }) =>
    stored({ type: "VmProvisioningStageReached", data: { vmId: "r", stage, previous } }, at),
  );

const vm = { vmId: "r", vmwareId: "vm-7", vmName: "web-01", hostname: "web-01", ipAddress: "10.0.0.9" };
const stageDurations = [
  { stage: "CLONING" as const, durationMs: 20_000 },
  { stage: "CONFIGURING" as const, durationMs: 10_000 },
  { stage: "POWERING_ON" as const, durationMs: 15_000 },
  { stage: "WAITING_FOR_NETWORK" as const, durationMs: 5_000 },
];
const ready = (carried: ReachedStage[] | undefined) =>
  stored(
    {
      type: "VmProvisioned",
      data: { ...vm, warning: null, stageDurations, ...(carried ? { stages: carried } : {}) },
    },
    at(50),
  );
const failure = {
  code: "TASK_FAILED" as const,
  userMessage: "It broke.",
  technicalDetail: "PowerOnVM_Task: InvalidState",
  retriable: false,
  attempts: 1,
  cleanupFailed: false,
};
const failed = (carried: ReachedStage[] | undefined) =>
  stored(
    {
      type: "VmProvisioningFailed",
      data: { vmId: "r", stage: "POWERING_ON", failure, ...(carried ? { stages: carried } : {}) },
    },
    at(40),
  );

/** What each reader makes of a log: the request's timeline and stages, the VM's fold, the progress rebuild. */
function readings(log: StoredEvent[]) {
  const fold = log.reduce(
    (state, e) => evolveVm(state, { event: e.event as VmEvent, occurredAt: e.occurredAt }),
    initialVmState,
  );
  const transitions = transitionsIn("r", log);
  const clock = { epoch: "0123456789ab", now: Date.parse(at(60)), retentionMs: 60_000 };
  const progress = rebuildFromLog({ requestId: "r", tenantId: "acme", transitions, stats: null }, clock);
  const timeline = timelineOf(log, { admin: true }).map(({ actor, ...entry }) => entry);
  return { stages: stagesOf(log), timeline, fold, transitions, progress };
}

describe("stages after the first, logged one by one or carried by the outcome", () => {
  it("read the same for a run that became READY", () => {
    const older = readings([started, ...asEvents(reached), ready(undefined)]);
    const newer = readings([started, ready(reached)]);
    expect(newer).toEqual(older);
    expect(newer.stages.map((s) => [s.stage, s.startedAt, s.durationMs])).toEqual([
      ["CLONING", at(0), 20_000],
      ["CONFIGURING", at(20), 10_000],
      ["POWERING_ON", at(30), 15_000],
      ["WAITING_FOR_NETWORK", at(45), 5_000],
      ["READY", at(50), 0],
    ]);
    expect(newer.progress.facts.stages.map((s) => [s.stage, s.startedAt, s.endedAt])).toEqual([
      ["CLONING", at(0), at(20)],
      ["CONFIGURING", at(20), at(30)],
      ["POWERING_ON", at(30), at(45)],
      ["WAITING_FOR_NETWORK", at(45), at(50)],
    ]);
    expect(newer.progress.facts.terminal?.outcome.status).toBe("succeeded");
  });

  it("read the same for a run that was in flight when the change was deployed: some logged, the rest carried", () => {
    const older = readings([started, ...asEvents(reached), ready(undefined)]);
    const mixed = readings([started, ...asEvents(reached.slice(0, 1)), ready(reached.slice(1))]);
    expect(mixed).toEqual(older);
  });

  it("read the same for a run that failed, whose failure names the stage it was in", () => {
    const twoStages = reached.slice(0, 2);
    const older = readings([started, ...asEvents(twoStages), failed(undefined)]);
    const newer = readings([started, failed(twoStages)]);
    expect(newer).toEqual(older);
    expect(newer.fold).toMatchObject({ status: "FAILED", stage: "POWERING_ON" });
    expect(newer.timeline.map((e) => [e.kind, e.at, e.durationMs])).toEqual([
      ["PROVISIONING_STARTED", at(0), undefined],
      ["STAGE_REACHED", at(0), 20_000],
      ["STAGE_REACHED", at(20), 10_000],
      ["STAGE_REACHED", at(30), 10_000],
      ["PROVISIONING_FAILED", at(40), undefined],
    ]);
  });

  it("read the same in flight when the stages the hub holds are added to the log", () => {
    const older = readings([started, ...asEvents(reached)]);
    const newer = readings(withHeldStages([started], reached));
    expect(newer.stages).toEqual(older.stages);
    expect(newer.timeline).toEqual(older.timeline);
    expect(newer.stages.at(-1)).toEqual({
      stage: "WAITING_FOR_NETWORK",
      startedAt: at(45),
      durationMs: null,
    });
  });

  it("read the same for a run stopped while it went on: the stop stays after the stages reached before it", () => {
    const stop = () =>
      stored({ type: "VmRequestStopRequested", data: { requestId: "r", reason: "wrong size" } }, at(25));
    const twoStages = reached.slice(0, 2);
    const [configuring, poweringOn] = asEvents(twoStages);
    if (!configuring || !poweringOn) throw new Error("two stages");
    const older = readings([started, configuring, stop(), poweringOn, failed(undefined)]);
    const newer = readings([started, stop(), failed(twoStages)]);
    expect(newer.timeline).toEqual(older.timeline);
    expect(newer.stages).toEqual(older.stages);
    expect(newer.timeline.map((e) => [e.kind, e.at])).toEqual([
      ["PROVISIONING_STARTED", at(0)],
      ["STAGE_REACHED", at(0)],
      ["STAGE_REACHED", at(20)],
      ["STOP_REQUESTED", at(25)],
      ["STAGE_REACHED", at(30)],
      ["PROVISIONING_FAILED", at(40)],
    ]);
    // in flight too: the stages the hub holds go where their times put them
    const inFlight = readings(withHeldStages([started, stop()], twoStages));
    const kindsAndTimes = (t: typeof older.timeline) => t.map((e) => [e.kind, e.at]);
    expect(kindsAndTimes(inFlight.timeline)).toEqual(kindsAndTimes(older.timeline.slice(0, -1)));
  });

  it("add nothing the outcome already carries when the hub is read after the run ended", () => {
    const ended = [started, ready(reached)];
    expect(withHeldStages(ended, reached)).toEqual(ended);
    expect(readings(withHeldStages(ended, reached)).stages).toEqual(readings(ended).stages);
  });

  it("leave an outcome valid when the hub's record was lost: the stages it held are simply absent", () => {
    const lost = readings([started, ready(undefined)]);
    expect(lost.stages.map((s) => s.stage)).toEqual(["CLONING", "READY"]);
    // the durations the outcome measured still reach the ETA statistics
    expect(lost.fold).toMatchObject({ status: "READY", completedStages: stageDurations });
  });
});
