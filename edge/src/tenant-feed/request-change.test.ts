import type { DomainEvent } from "@gantry/shared/events/catalog";
import { describe, expect, it } from "vitest";
import type { NewEvent } from "../event-store/stored-event.ts";
import { requestChangeOf } from "./request-change.ts";

const metadata = {
  tenantId: "acme",
  actorId: "agent-1",
  actorKind: "agent" as const,
  correlationId: "job-1",
  causationId: null,
};
const at = (s: number) => `2026-11-22T10:00:${String(s).padStart(2, "0")}.000Z`;
const recorded = (event: DomainEvent, s: number): NewEvent => ({
  eventId: `e${s}`,
  event,
  metadata,
  occurredAt: at(s),
});
const started = recorded(
  { type: "VmRequestProvisioningStarted", data: { requestId: "req_1", jobId: "job-1", vmId: "vm_1" } },
  1,
);
const ready = recorded(
  {
    type: "VmRequestReady",
    data: {
      requestId: "req_1",
      vmId: "vm_1",
      vmwareId: "vm-42",
      vmName: "web-app01",
      hostname: "app01",
      ipAddress: "10.0.0.7",
      warning: null,
    },
  },
  2,
);
const stage = recorded(
  { type: "VmProvisioningStageReached", data: { vmId: "vm_1", stage: "CONFIGURING", previous: null } },
  3,
);

describe("requestChangeOf", () => {
  it("announces the status and version the request ended at, once per commit", () => {
    const append = { streamId: "vm-request:req_1", expectedVersion: 2, events: [started, ready] };
    expect(requestChangeOf({ requestId: "req_1", requesterId: "user-mia", append })).toEqual({
      requestId: "req_1",
      requesterId: "user-mia",
      status: "READY",
      version: 4,
      at: at(2),
    });
  });

  it("announces nothing for an append whose events leave the status as it was", () => {
    const append = { streamId: "vm:vm_1", expectedVersion: 3, events: [stage] };
    expect(requestChangeOf({ requestId: "req_1", requesterId: "user-mia", append })).toBeNull();
  });

  it("announces nothing for an empty append (an idempotent cancel)", () => {
    const append = { streamId: "vm-request:req_1", expectedVersion: 3, events: [] };
    expect(requestChangeOf({ requestId: "req_1", requesterId: "user-mia", append })).toBeNull();
  });
});
