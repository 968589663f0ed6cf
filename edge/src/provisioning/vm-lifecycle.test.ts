import type { VmFacts } from "@gantry/shared/domain/vm-facts";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import type { VmActionFailure } from "@gantry/shared/jobs/vm-action-job";
import { describe, expect, it } from "vitest";
import { managedVm } from "./managed-vm.ts";
import { evolveVm, initialVmState } from "./vm.ts";
import { type ActionInput, decideVmAction } from "./vm-action-decider.ts";
import { decideObservation } from "./vm-drift-decider.ts";
import { decideActionExpired, decideActionReport } from "./vm-report-decider.ts";
import { evolveVmRequest, initialVmRequestState } from "./vm-request.ts";
import { decideResize } from "./vm-resize-decider.ts";

// given/when/then over events: what the VM's deciders make of a command, a report or an observation

const vmId = "req_1";
const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, s)).toISOString();
const alice = { actorId: "user-alice", actorName: "Alice" };
const adam = { actorId: "user-adam", actorName: "Adam" };

type Given = { event: DomainEvent; occurredAt: string; metadata?: { actorId: string; actorName: string } };

const submitted: Given = {
  event: {
    type: "VmRequestSubmitted",
    data: {
      requestId: vmId,
      requester: { id: "user-alice", name: "Alice", email: "alice@acme.test" },
      projectId: "proj-web",
      name: "api01",
      size: "M",
      spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
      justification: "for the API",
      networkPath: null,
    },
  },
  occurredAt: at(0),
};
const built: Given[] = [
  {
    event: { type: "VmProvisioningStarted", data: { vmId, requestId: vmId, jobId: `job-${vmId}` } },
    occurredAt: at(1),
  },
  {
    event: {
      type: "VmProvisioned",
      data: {
        vmId,
        vmwareId: "vm-42",
        vmName: "web-api01",
        hostname: "api01",
        ipAddress: "10.0.0.5",
        warning: null,
        stageDurations: [],
      },
    },
    occurredAt: at(2),
  },
];

function fold(events: readonly Given[]) {
  let request = initialVmRequestState;
  let vm = initialVmState;
  for (const { event, occurredAt, metadata } of events) {
    if (event.type.startsWith("VmRequest")) request = evolveVmRequest(request, event as VmRequestEvent);
    else vm = evolveVm(vm, { event: event as VmEvent, occurredAt, ...(metadata ? { metadata } : {}) });
  }
  const managed = managedVm(request, vm);
  if (!managed) throw new Error("no VM after these events");
  return managed;
}

const requested = (
  actionId: string,
  action: Extract<VmEvent, { type: "VmActionRequested" }>["data"]["action"],
  by = alice,
): Given => ({
  event: {
    type: "VmActionRequested",
    data: {
      vmId,
      actionId,
      jobId: `job-${actionId}`,
      action,
      reason: null,
      deadline: at(600),
      powerStateBefore: "poweredOn",
    },
  },
  occurredAt: at(10),
  metadata: by,
});
const succeeded = (
  actionId: string,
  kind: Extract<VmEvent, { type: "VmActionSucceeded" }>["data"]["kind"],
  extra: Partial<Extract<VmEvent, { type: "VmActionSucceeded" }>["data"]> = {},
): Given => ({
  event: {
    type: "VmActionSucceeded",
    data: { vmId, actionId, kind, facts: null, size: null, snapshot: null, note: null, ...extra },
  },
  occurredAt: at(20),
});

const given = (...events: Given[]) => {
  const vm = fold([submitted, ...built, ...events]);
  return {
    vm,
    when: (input: ActionInput, actionId = "act_new") =>
      decideVmAction(
        {
          type: "RequestVmAction",
          data: {
            vmId,
            actionId,
            jobId: `job-${actionId}`,
            reason: "because",
            input,
            deadline: at(900),
            snapshotCap: 2,
          },
        },
        vm,
      ),
  };
};

const facts: VmFacts = {
  name: "web-api01",
  powerState: "poweredOn",
  cpu: 4,
  memoryMb: 8192,
  diskGb: 100,
  ipAddress: "10.0.0.5",
  hostname: "api01",
};

describe("VM action decider", () => {
  it("queues an action on a READY VM with who asked, why, its deadline and the power state it had", () => {
    expect(given().when({ kind: "power-off" })).toEqual({
      ok: true,
      value: {
        kind: "queued",
        events: [
          {
            type: "VmActionRequested",
            data: {
              vmId,
              actionId: "act_new",
              jobId: "job-act_new",
              action: { kind: "power-off" },
              reason: "because",
              deadline: at(900),
              powerStateBefore: "poweredOn",
            },
          },
        ],
      },
    });
  });

  it("refuses a second action while one runs, naming the running one", () => {
    expect(
      given(requested("act_1", { kind: "power-off" })).when({ kind: "delete", confirmName: "api01" }),
    ).toEqual({
      ok: false,
      error: { code: "VM_BUSY", vmId, running: "power-off", actionId: "act_1", since: at(10) },
    });
  });

  it("answers a repeat of the same command (same key) without new events, and refuses the key for another action", () => {
    const running = given(requested("act_1", { kind: "power-off" }));
    expect(running.when({ kind: "power-off" }, "act_1")).toEqual({
      ok: true,
      value: { kind: "repeat", status: "queued" },
    });
    expect(running.when({ kind: "power-on" }, "act_1")).toMatchObject({
      ok: false,
      error: { code: "IDEMPOTENCY_KEY_REUSED" },
    });
  });

  it("refuses what the power state does not allow", () => {
    expect(given().when({ kind: "power-on" })).toMatchObject({
      ok: false,
      error: { code: "ACTION_NOT_APPLICABLE", why: "it is already running" },
    });
    const off = given(
      requested("act_1", { kind: "power-off" }),
      succeeded("act_1", "power-off", { facts: { ...facts, powerState: "poweredOff" } }),
    );
    expect(off.when({ kind: "shutdown-guest", timeoutSeconds: 120 })).toMatchObject({
      ok: false,
      error: { code: "ACTION_NOT_APPLICABLE" },
    });
    expect(off.when({ kind: "power-on" })).toMatchObject({ ok: true, value: { kind: "queued" } });
  });

  it("deletes only with the VM's name typed exactly", () => {
    expect(given().when({ kind: "delete", confirmName: "api" })).toEqual({
      ok: false,
      error: { code: "CONFIRMATION_MISMATCH", vmId },
    });
    expect(given().when({ kind: "delete", confirmName: "web-api01" })).toMatchObject({
      ok: true,
      value: { kind: "queued" },
    });
    expect(given().when({ kind: "delete", confirmName: " api01 " })).toMatchObject({
      ok: true,
      value: { kind: "queued" },
    });
  });

  it("refuses everything on a deleted VM", () => {
    const deleted = given(requested("act_1", { kind: "delete" }), succeeded("act_1", "delete"));
    expect(deleted.vm.status).toBe("DELETED");
    expect(deleted.when({ kind: "power-on" })).toMatchObject({
      ok: false,
      error: { code: "ACTION_NOT_APPLICABLE", why: "the VM was deleted" },
    });
  });

  it("deletes a VM gone from vCenter at once, without a job", () => {
    const gone = given({ event: { type: "VmGone", data: { vmId, vmwareId: "vm-42" } }, occurredAt: at(5) });
    expect(gone.when({ kind: "power-on" })).toMatchObject({
      ok: false,
      error: { code: "ACTION_NOT_APPLICABLE" },
    });
    const decided = gone.when({ kind: "delete", confirmName: "api01" });
    expect(decided.ok && decided.value.kind).toBe("done");
    expect(decided.ok && decided.value.kind !== "repeat" && decided.value.events.map((e) => e.type)).toEqual([
      "VmActionRequested",
      "VmActionSucceeded",
    ]);
  });

  it("asks an admin to approve a resize up, and resizes down at once", () => {
    // the sizes' specs as the tenant's catalogue resolved them when the command was given
    const SMALL = { cpu: 2, memoryGb: 4, diskGb: 50 };
    const MEDIUM = { cpu: 4, memoryGb: 8, diskGb: 100 };
    const up = given().when({
      kind: "resize",
      size: "L",
      target: { cpu: 8, memoryGb: 16, diskGb: 200 },
      powerCycle: false,
      keepDisk: false,
      timeoutSeconds: 120,
    });
    expect(up).toMatchObject({
      ok: true,
      value: {
        kind: "awaiting-approval",
        events: [
          {
            type: "VmResizeRequested",
            data: { approvalId: "act_new", from: { size: "M" }, to: { size: "L" } },
          },
        ],
      },
    });
    // M → S would shrink the disk (100 → 50 GB): refused; a disk only grows
    expect(
      given().when({
        kind: "resize",
        size: "S",
        target: SMALL,
        powerCycle: false,
        keepDisk: false,
        timeoutSeconds: 120,
      }),
    ).toEqual({
      ok: false,
      error: { code: "DISK_SHRINK_REFUSED", vmId, fromGb: 100, toGb: 50 },
    });
    // with keepDisk, M → S keeps the 100 GB disk and needs no approval: nothing grows
    expect(
      given().when({
        kind: "resize",
        size: "S",
        target: SMALL,
        powerCycle: true,
        keepDisk: true,
        timeoutSeconds: 120,
      }),
    ).toMatchObject({
      ok: true,
      value: {
        kind: "queued",
        events: [
          {
            data: {
              action: {
                kind: "resize",
                to: { size: "S", spec: { cpu: 2, memoryGb: 4, diskGb: 100 } },
                powerCycle: true,
              },
            },
          },
        ],
      },
    });
    expect(
      given().when({
        kind: "resize",
        size: "M",
        target: MEDIUM,
        powerCycle: false,
        keepDisk: false,
        timeoutSeconds: 120,
      }),
    ).toMatchObject({ ok: false, error: { code: "ACTION_NOT_APPLICABLE" } });
  });

  it("refuses a snapshot at the cap and a snapshot it does not know", () => {
    const snapshot = (id: string) => ({ snapshotId: id, name: id, createdAt: at(30), withMemory: false });
    const two = given(
      requested("act_1", { kind: "snapshot-create", name: "a", withMemory: false }),
      succeeded("act_1", "snapshot-create", { snapshot: snapshot("snapshot-1") }),
      requested("act_2", { kind: "snapshot-create", name: "b", withMemory: false }),
      succeeded("act_2", "snapshot-create", { snapshot: snapshot("snapshot-2") }),
    );
    expect(two.vm.snapshots.map((s) => [s.snapshotId, s.createdBy.id])).toEqual([
      ["snapshot-1", "user-alice"],
      ["snapshot-2", "user-alice"],
    ]);
    expect(two.when({ kind: "snapshot-create", name: "c", withMemory: true })).toEqual({
      ok: false,
      error: { code: "SNAPSHOT_CAP_REACHED", vmId, cap: 2 },
    });
    expect(two.when({ kind: "snapshot-revert", snapshotId: "snapshot-9" })).toMatchObject({
      ok: false,
      error: { code: "SNAPSHOT_NOT_FOUND" },
    });
    expect(two.when({ kind: "snapshot-delete", snapshotId: "snapshot-1" })).toMatchObject({
      ok: true,
      value: {
        events: [
          {
            data: {
              action: { kind: "snapshot-delete", snapshotId: "snapshot-1", snapshotName: "snapshot-1" },
            },
          },
        ],
      },
    });
  });
});

describe("resize approval", () => {
  const pending = given({
    event: {
      type: "VmResizeRequested",
      data: {
        vmId,
        approvalId: "act_up",
        from: { size: "M", spec: { cpu: 4, memoryGb: 8, diskGb: 100 } },
        to: { size: "L", spec: { cpu: 8, memoryGb: 16, diskGb: 200 } },
        powerCycle: true,
        reason: "load",
      },
    },
    occurredAt: at(5),
    metadata: alice,
  });
  const approve = (approverId: string, vm = pending.vm) =>
    decideResize(
      {
        type: "ApproveResize",
        data: {
          approvalId: "act_up",
          approverId,
          jobId: "job-act_up",
          deadline: at(900),
          timeoutSeconds: 120,
        },
      },
      vm,
    );

  it("lets another admin approve: the approval and the resize itself, in one decision", () => {
    const decided = approve("user-adam");
    expect(decided.ok && decided.value.map((e) => e.type)).toEqual(["VmResizeApproved", "VmActionRequested"]);
    expect(decided.ok && decided.value[1]).toMatchObject({
      data: {
        actionId: "act_up",
        action: { kind: "resize", approvalId: "act_up", powerCycle: true, to: { size: "L" } },
      },
    });
  });

  it("refuses self-approval", () => {
    expect(approve("user-alice")).toEqual({
      ok: false,
      error: { code: "SELF_APPROVAL_FORBIDDEN", requestId: vmId },
    });
  });

  it("refuses the approval while another action runs on the VM", () => {
    const busy = fold([
      submitted,
      ...built,
      { ...requested("act_1", { kind: "power-off" }) },
      {
        event: {
          type: "VmResizeRequested",
          data: {
            vmId,
            approvalId: "act_up",
            from: { size: "M", spec: { cpu: 4, memoryGb: 8, diskGb: 100 } },
            to: { size: "L", spec: { cpu: 8, memoryGb: 16, diskGb: 200 } },
            powerCycle: false,
            reason: null,
          },
        },
        occurredAt: at(11),
        metadata: alice,
      },
    ]);
    expect(approve("user-adam", busy)).toMatchObject({
      ok: false,
      error: { code: "VM_BUSY", running: "power-off" },
    });
  });

  it("rejects, and deciding the same way again is a repeat", () => {
    const rejected = decideResize(
      { type: "RejectResize", data: { approvalId: "act_up", reason: "not this quarter" } },
      pending.vm,
    );
    expect(rejected.ok && rejected.value).toEqual([
      {
        type: "VmResizeRejected",
        data: { vmId, approvalId: "act_up", reason: "not this quarter", withdrawn: false },
      },
    ]);
    const after = fold([
      submitted,
      ...built,
      {
        event: {
          type: "VmResizeRequested",
          data: {
            vmId,
            approvalId: "act_up",
            from: { size: "M", spec: { cpu: 4, memoryGb: 8, diskGb: 100 } },
            to: { size: "L", spec: { cpu: 8, memoryGb: 16, diskGb: 200 } },
            powerCycle: false,
            reason: null,
          },
        },
        occurredAt: at(5),
        metadata: alice,
      },
      {
        event: rejected.ok ? (rejected.value[0] as DomainEvent) : submitted.event,
        occurredAt: at(6),
        metadata: adam,
      },
    ]);
    expect(
      decideResize({ type: "RejectResize", data: { approvalId: "act_up", reason: "again" } }, after),
    ).toEqual({ ok: true, value: [] });
    expect(approve("user-adam", after)).toMatchObject({
      ok: false,
      error: { code: "REQUEST_ALREADY_PROCESSED" },
    });
  });
});

describe("action reports", () => {
  const running = given(requested("act_1", { kind: "shutdown-guest", timeoutSeconds: 120 })).vm;
  const report = (update: Parameters<typeof decideActionReport>[0]["update"], jobId = "job-act_1") =>
    decideActionReport({ jobId, update }, running);
  const failure: VmActionFailure = {
    code: "TASK_FAILED",
    userMessage: "",
    technicalDetail: "x",
    retriable: false,
    attempts: 1,
  };

  it("records a step once, and the outcome", () => {
    const step = {
      kind: "step" as const,
      step: "SHUTTING_DOWN_GUEST" as const,
      detail: { fallbackAfterSeconds: 120 },
      at: at(11),
    };
    expect(report(step)).toEqual({
      ok: true,
      value: [
        {
          type: "VmActionStepReached",
          data: {
            vmId,
            actionId: "act_1",
            step: "SHUTTING_DOWN_GUEST",
            detail: { fallbackAfterSeconds: 120 },
          },
        },
      ],
    });
    const stepped = fold([
      submitted,
      ...built,
      requested("act_1", { kind: "shutdown-guest", timeoutSeconds: 120 }),
      {
        event: {
          type: "VmActionStepReached",
          data: {
            vmId,
            actionId: "act_1",
            step: "SHUTTING_DOWN_GUEST",
            detail: { fallbackAfterSeconds: 120 },
          },
        },
        occurredAt: at(11),
      },
    ]);
    expect(decideActionReport({ jobId: "job-act_1", update: step }, stepped)).toEqual({
      ok: true,
      value: [],
    });
    expect(report({ kind: "action-failed", failure, at: at(12) })).toMatchObject({
      ok: true,
      value: [{ type: "VmActionFailed", data: { kind: "shutdown-guest", failure } }],
    });
  });

  it("ignores reports of a job that is not the running action's", () => {
    expect(report({ kind: "action-failed", failure, at: at(12) }, "job-other")).toEqual({
      ok: true,
      value: [],
    });
  });

  it("fails an action past its deadline as TIMED_OUT, and not one still in time", () => {
    expect(decideActionExpired({ actionId: "act_1", now: at(500) }, running)).toEqual({
      ok: true,
      value: [],
    });
    const expired = decideActionExpired({ actionId: "act_1", now: at(700) }, running);
    expect(expired).toMatchObject({
      ok: true,
      value: [{ type: "VmActionFailed", data: { kind: "shutdown-guest", failure: { code: "TIMED_OUT" } } }],
    });
  });
});

describe("drift", () => {
  const seen = (overrides: Partial<VmFacts>) => ({
    kind: "seen" as const,
    requestId: vmId,
    vmwareId: "vm-42",
    facts: { ...facts, ...overrides },
    at: at(50),
  });

  it("records what changed outside Gantry, each fact with its old and new value", () => {
    expect(decideObservation(seen({ powerState: "poweredOff", cpu: 8 }), given().vm)).toEqual({
      ok: true,
      value: [
        {
          type: "VmDriftObserved",
          data: {
            vmId,
            changes: [
              { field: "powerState", from: "poweredOn", to: "poweredOff" },
              { field: "cpu", from: 4, to: 8 },
            ],
            observed: { ...facts, powerState: "poweredOff", cpu: 8 },
          },
        },
      ],
    });
  });

  it("records nothing when vCenter shows what Gantry believes, the address aside", () => {
    expect(decideObservation(seen({ ipAddress: "10.9.9.9" }), given().vm)).toEqual({ ok: true, value: [] });
  });

  it("records nothing while one of Gantry's own actions runs on the VM", () => {
    const busy = given(requested("act_1", { kind: "power-off" })).vm;
    expect(decideObservation(seen({ powerState: "poweredOff" }), busy)).toEqual({ ok: true, value: [] });
  });

  it("marks a VM destroyed outside Gantry GONE, and ignores another moref's news", () => {
    expect(
      decideObservation({ kind: "gone", requestId: vmId, vmwareId: "vm-42", at: at(60) }, given().vm),
    ).toEqual({ ok: true, value: [{ type: "VmGone", data: { vmId, vmwareId: "vm-42" } }] });
    expect(
      decideObservation({ kind: "gone", requestId: vmId, vmwareId: "vm-999", at: at(60) }, given().vm),
    ).toEqual({ ok: true, value: [] });
  });

  it("records nothing for what was seen before Gantry last said what the VM is, drift seen after it", () => {
    // another agent's watch saw the VM (READY at 09:00:02) while a job was still building it
    const building = { ...seen({ powerState: "poweredOff", ipAddress: null }), at: at(1) };
    expect(decideObservation(building, given().vm)).toEqual({ ok: true, value: [] });
    // and saw it on before Gantry powered it off (succeeded at 09:00:20); on again after that is drift
    const off = given(
      requested("act_1", { kind: "power-off" }),
      succeeded("act_1", "power-off", { facts: { ...facts, powerState: "poweredOff", ipAddress: null } }),
    ).vm;
    expect(decideObservation({ ...seen({}), at: at(15) }, off)).toEqual({ ok: true, value: [] });
    expect(decideObservation({ ...seen({}), at: at(21) }, off)).toMatchObject({
      ok: true,
      value: [{ type: "VmDriftObserved", data: { changes: [{ field: "powerState", to: "poweredOn" }] } }],
    });
  });

  it("believes the facts an action left: no drift for a VM Gantry powered off", () => {
    const off = given(
      requested("act_1", { kind: "power-off" }),
      succeeded("act_1", "power-off", { facts: { ...facts, powerState: "poweredOff", ipAddress: null } }),
    ).vm;
    expect(decideObservation(seen({ powerState: "poweredOff", ipAddress: null }), off)).toEqual({
      ok: true,
      value: [],
    });
  });
});
