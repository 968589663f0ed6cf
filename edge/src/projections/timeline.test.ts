import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { ActorKind } from "@gantry/shared/events/event-metadata";
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../event-store/stored-event.ts";
import { stagesOf, timelineOf } from "./timeline.ts";

let position = 0;
const stored = (event: DomainEvent, at: string, actorKind: ActorKind = "agent"): StoredEvent => ({
  position: ++position,
  streamId: "s",
  version: position,
  eventId: `e${position}`,
  event,
  occurredAt: at,
  metadata: {
    tenantId: "acme",
    actorId: actorKind === "agent" ? "agent-1" : "user-adam",
    actorKind,
    correlationId: "c",
    causationId: null,
  },
});

const failure = {
  code: "TEMPLATE_NOT_FOUND" as const,
  userMessage: "",
  technicalDetail: "/DC0/vm/ubuntu-22.04-tmpl: ManagedObjectNotFound",
  retriable: false,
  attempts: 1,
  cleanupFailed: false,
};

const events = [
  stored(
    { type: "VmRequestApproved", data: { requestId: "r", jobId: "job-r" } },
    "2026-03-02T10:00:00.000Z",
    "user",
  ),
  stored(
    { type: "VmRequestProvisioningStarted", data: { requestId: "r", jobId: "job-r", vmId: "r" } },
    "2026-03-02T10:00:01.000Z",
  ),
  stored(
    { type: "VmProvisioningStageReached", data: { vmId: "r", stage: "CLONING", previous: null } },
    "2026-03-02T10:00:01.000Z",
  ),
  stored(
    { type: "VmProvisioningFailed", data: { vmId: "r", stage: "CLONING", failure } },
    "2026-03-02T10:00:31.000Z",
  ),
  stored(
    { type: "VmRequestFailed", data: { requestId: "r", vmId: "r", code: failure.code, userMessage: "x" } },
    "2026-03-02T10:00:31.000Z",
  ),
];

describe("timeline", () => {
  it("renders each event with actor, time and a short text, skipping the request's mirror events", () => {
    expect(timelineOf(events, { admin: false }).map((e) => [e.kind, e.actor.kind, e.at])).toEqual([
      ["APPROVED", "user", "2026-03-02T10:00:00.000Z"],
      ["STAGE_REACHED", "agent", "2026-03-02T10:00:01.000Z"],
      ["PROVISIONING_FAILED", "agent", "2026-03-02T10:00:31.000Z"],
    ]);
  });

  it("explains a failure in a plain sentence when the agent sent none, and adds detail for admins only", () => {
    const forMember = timelineOf(events, { admin: false }).at(-1);
    const forAdmin = timelineOf(events, { admin: true }).at(-1);
    expect(forMember?.detail).toContain("template");
    expect(forMember).not.toHaveProperty("technicalDetail");
    expect(forAdmin?.technicalDetail).toContain("ManagedObjectNotFound");
  });

  it("derives stage durations, closing the last stage at the failure", () => {
    expect(stagesOf(events)).toEqual([
      { stage: "CLONING", startedAt: "2026-03-02T10:00:01.000Z", durationMs: 30_000 },
    ]);
  });

  it("says a run started only when it did more than fail in its first report", () => {
    const at = "2026-03-02T11:00:00.000Z";
    const started = stored(
      { type: "VmProvisioningStarted", data: { vmId: "r", requestId: "r", jobId: "job-r" } },
      at,
    );
    const stopped = stored(
      {
        type: "VmProvisioningFailed",
        data: { vmId: "r", stage: null, failure: { ...failure, code: "CANCELLED" } },
      },
      at,
    );
    expect(timelineOf([started, stopped], { admin: false }).map((e) => e.kind)).toEqual([
      "PROVISIONING_FAILED",
    ]);
    const cloning = stored(
      { type: "VmProvisioningStageReached", data: { vmId: "r", stage: "CLONING", previous: null } },
      at,
    );
    expect(timelineOf([started, cloning], { admin: false }).map((e) => e.kind)).toEqual([
      "PROVISIONING_STARTED",
      "STAGE_REACHED",
    ]);
  });

  it("gives each ended stage its duration, and none to a stage still running", () => {
    const at = (s: number) => `2026-03-02T12:00:${String(s).padStart(2, "0")}.000Z`;
    const reached = (
      stage: "CLONING" | "CONFIGURING",
      previous: null | { stage: "CLONING"; durationMs: number },
      s: number,
    ) => stored({ type: "VmProvisioningStageReached", data: { vmId: "r", stage, previous } }, at(s));
    const run = [
      reached("CLONING", null, 1),
      reached("CONFIGURING", { stage: "CLONING", durationMs: 12_000 }, 13),
    ];
    expect(timelineOf(run, { admin: false }).map((e) => [e.title, e.durationMs])).toEqual([
      ["Cloning the template", 12_000],
      ["Configuring hardware", undefined],
    ]);
  });

  it("names the requested network when the request was submitted, or the site's default", () => {
    const submitted = (networkPath: string | null) =>
      stored(
        {
          type: "VmRequestSubmitted",
          data: {
            requestId: "r",
            requester: { id: "u", name: "Alice", email: "a@x.test" },
            projectId: "p",
            name: "web-01",
            size: "M",
            spec: { cpu: 2, memoryGb: 4, diskGb: 40 },
            justification: "why not",
            networkPath,
          },
        },
        "2026-03-02T09:00:00.000Z",
        "user",
      );
    expect(timelineOf([submitted("/DC0/network/VM Network")], { admin: false })[0]?.detail).toMatch(
      /, on network VM Network$/,
    );
    expect(timelineOf([submitted(null)], { admin: false })[0]?.detail).toMatch(
      /, on the site's default network$/,
    );
  });

  it("reads the first stage the same whether VmProvisioningStarted carries it or an event of its own follows", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, s)).toISOString();
    const data = { vmId: "r", requestId: "r", jobId: "job-r" };
    const then = [
      stored(
        {
          type: "VmProvisioningStageReached",
          data: { vmId: "r", stage: "CONFIGURING", previous: { stage: "CLONING", durationMs: 20_000 } },
        },
        at(20),
      ),
      stored({ type: "VmProvisioningFailed", data: { vmId: "r", stage: "CONFIGURING", failure } }, at(30)),
    ];
    const carried = [
      stored({ type: "VmProvisioningStarted", data: { ...data, stage: "CLONING" } }, at(0)),
      ...then,
    ];
    const separate = [
      stored({ type: "VmProvisioningStarted", data }, at(0)),
      stored(
        { type: "VmProvisioningStageReached", data: { vmId: "r", stage: "CLONING", previous: null } },
        at(0),
      ),
      ...then,
    ];
    expect(stagesOf(carried)).toEqual(stagesOf(separate));
    expect(stagesOf(carried).map((s) => [s.stage, s.durationMs])).toEqual([
      ["CLONING", 20_000],
      ["CONFIGURING", 10_000],
    ]);
    const shown = (events: StoredEvent[]) =>
      timelineOf(events, { admin: false }).map((e) => [e.kind, e.title, e.durationMs]);
    expect(shown(carried)).toEqual(shown(separate));
  });

  it("renders nothing for no events", () => {
    expect(timelineOf([], { admin: true })).toEqual([]);
    expect(stagesOf([])).toEqual([]);
  });
});
