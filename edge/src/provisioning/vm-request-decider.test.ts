import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import { describe, expect, it } from "vitest";
import { evolveVmRequest, initialVmRequestState, type VmProvisioningEvent } from "./vm-request.ts";
import { decideVmRequest, type VmRequestCommand } from "./vm-request-decider.ts";

type EventOf<TType extends VmRequestEvent["type"]> = Extract<VmRequestEvent, { type: TType }>;

const requestId = "req-1";
const alice = { id: "user-alice", name: "Alice", email: "alice@acme.test" };
const submitted: EventOf<"VmRequestSubmitted"> = {
  type: "VmRequestSubmitted",
  data: {
    requestId,
    requester: alice,
    projectId: "proj-web",
    name: "web-01",
    size: "M",
    spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
    justification: "for the load tests",
    networkPath: null,
  },
};
const approved: VmRequestEvent = { type: "VmRequestApproved", data: { requestId, jobId: "job-req-1" } };
const rejected: VmRequestEvent = { type: "VmRequestRejected", data: { requestId, reason: "not in budget" } };
const cancelled: VmRequestEvent = { type: "VmRequestCancelled", data: { requestId, reason: null } };
const started: EventOf<"VmRequestProvisioningStarted"> = {
  type: "VmRequestProvisioningStarted",
  data: { requestId, jobId: "job-req-1", vmId: requestId },
};
const ready: EventOf<"VmRequestReady"> = {
  type: "VmRequestReady",
  data: {
    requestId,
    vmId: requestId,
    vmwareId: "vm-42",
    vmName: "web-web-01",
    hostname: "web-01",
    ipAddress: null,
    warning: null,
  },
};
const failed: EventOf<"VmRequestFailed"> = {
  type: "VmRequestFailed",
  data: { requestId, vmId: requestId, code: "TASK_FAILED", userMessage: "It broke." },
};

const approve: VmRequestCommand = {
  type: "ApproveRequest",
  data: { requestId, approverId: "user-adam", jobId: "job-req-1" },
};
const reject: VmRequestCommand = {
  type: "RejectRequest",
  data: { requestId, rejecterId: "user-adam", reason: "not in budget" },
};
const cancel: VmRequestCommand = {
  type: "CancelRequest",
  data: { requestId, cancellerId: alice.id, reason: null },
};
const stop: VmRequestCommand = { type: "StopProvisioning", data: { requestId, reason: "wrong size" } };

// the VM's own start and outcome, which move its request on (the events above are older logs' mirrors)
const vmStarted: VmProvisioningEvent = {
  type: "VmProvisioningStarted",
  data: { vmId: requestId, requestId, jobId: "job-req-1", stage: "CLONING" },
};
const vmReady: VmProvisioningEvent = {
  type: "VmProvisioned",
  data: { ...ready.data, stageDurations: [] },
};
const vmFailed: VmProvisioningEvent = {
  type: "VmProvisioningFailed",
  data: {
    vmId: requestId,
    stage: "CLONING",
    failure: {
      code: "TASK_FAILED",
      userMessage: "It broke.",
      technicalDetail: "fault",
      retriable: false,
      attempts: 1,
      cleanupFailed: false,
    },
  },
};

// given events, when a command, then events or an error code
const given = (...events: (VmRequestEvent | VmProvisioningEvent)[]) => ({
  when: (command: VmRequestCommand) =>
    decideVmRequest(command, events.reduce(evolveVmRequest, initialVmRequestState)),
});
const errorCode = (result: ReturnType<typeof decideVmRequest>) => (result.ok ? "ok" : result.error.code);

describe("VmRequest decider", () => {
  it("submits a new request as PENDING with the size's spec", () => {
    const result = given().when({
      type: "SubmitRequest",
      data: {
        requestId,
        requester: alice,
        projectId: "proj-web",
        name: "web-01",
        size: "M",
        spec: submitted.data.spec,
        justification: "for the load tests",
        networkPath: null,
      },
    });
    expect(result).toEqual({ ok: true, value: [submitted] });
    expect(evolveVmRequest(initialVmRequestState, submitted).status).toBe("PENDING");
  });

  it("refuses to submit the same request twice", () => {
    expect(errorCode(given(submitted).when({ type: "SubmitRequest", data: { ...submitted.data } }))).toBe(
      "REQUEST_ALREADY_EXISTS",
    );
  });

  it.each([
    ["approves", approve, approved, "APPROVED"],
    ["rejects", reject, rejected, "REJECTED"],
    ["cancels", cancel, cancelled, "CANCELLED"],
  ] as const)("%s a pending request", (_verb, command, event, status) => {
    expect(given(submitted).when(command)).toEqual({ ok: true, value: [event] });
    expect([submitted, event].reduce(evolveVmRequest, initialVmRequestState).status).toBe(status);
  });

  it.each([
    ["approved", approved],
    ["rejected", rejected],
    ["cancelled", cancelled],
  ] as const)("refuses approve and reject once the request is %s", (_state, event) => {
    expect(errorCode(given(submitted, event).when(approve))).toBe("REQUEST_ALREADY_PROCESSED");
    expect(errorCode(given(submitted, event).when(reject))).toBe("REQUEST_ALREADY_PROCESSED");
  });

  it("refuses an admin approving or rejecting their own request", () => {
    const own = { ...approve, data: { ...approve.data, approverId: alice.id } } as VmRequestCommand;
    const ownReject = { ...reject, data: { ...reject.data, rejecterId: alice.id } } as VmRequestCommand;
    expect(errorCode(given(submitted).when(own))).toBe("SELF_APPROVAL_FORBIDDEN");
    expect(errorCode(given(submitted).when(ownReject))).toBe("SELF_APPROVAL_FORBIDDEN");
  });

  it("treats cancelling a cancelled request as done", () => {
    expect(given(submitted, cancelled).when(cancel)).toEqual({ ok: true, value: [] });
  });

  it("refuses to cancel once the request left PENDING", () => {
    expect(errorCode(given(submitted, approved).when(cancel))).toBe("REQUEST_NOT_CANCELLABLE");
    expect(errorCode(given(submitted, rejected).when(cancel))).toBe("REQUEST_NOT_CANCELLABLE");
  });

  it("refuses a cancel by anyone but the requester", () => {
    const byAdam = { ...cancel, data: { ...cancel.data, cancellerId: "user-adam" } } as VmRequestCommand;
    expect(errorCode(given(submitted).when(byAdam))).toBe("NOT_REQUESTER");
  });

  it("answers every command on a missing request with REQUEST_NOT_FOUND", () => {
    for (const command of [approve, reject, cancel, stop]) {
      expect(errorCode(given().when(command))).toBe("REQUEST_NOT_FOUND");
    }
  });

  it("moves with its VM: APPROVED, PROVISIONING at the VM's start, then READY or FAILED", () => {
    const statusOf = (...events: (VmRequestEvent | VmProvisioningEvent)[]) =>
      events.reduce(evolveVmRequest, initialVmRequestState).status;
    expect(statusOf(submitted, approved)).toBe("APPROVED");
    expect(statusOf(submitted, approved, vmStarted)).toBe("PROVISIONING");
    expect(statusOf(submitted, approved, vmStarted, vmReady)).toBe("READY");
    expect(statusOf(submitted, approved, vmStarted, vmFailed)).toBe("FAILED");
    // the VM's events never move a request that is not where they belong
    expect(statusOf(submitted, vmStarted)).toBe("PENDING");
    expect(statusOf(submitted, approved, vmReady)).toBe("APPROVED");
    expect(statusOf(submitted, approved, vmStarted, vmReady, vmFailed)).toBe("READY");
  });

  it("folds an older log (the VM's events mirrored on the request's stream) to the same state", () => {
    const fold = (...events: (VmRequestEvent | VmProvisioningEvent)[]) =>
      events.reduce(evolveVmRequest, initialVmRequestState);
    // a commit held the VM's event, then its mirror; a request's loader folds its own stream first
    expect(fold(submitted, approved, vmStarted, started, vmReady, ready)).toEqual(
      fold(submitted, approved, vmStarted, vmReady),
    );
    expect(fold(submitted, approved, started, ready, vmStarted, vmReady)).toEqual(
      fold(submitted, approved, vmStarted, vmReady),
    );
    expect(fold(submitted, approved, started, failed, vmStarted, vmFailed)).toEqual(
      fold(submitted, approved, vmStarted, vmFailed),
    );
  });

  it("stops a request until its VM's outcome, and not after", () => {
    const asked = { type: "VmRequestStopRequested", data: { requestId, reason: "wrong size" } };
    expect(given(submitted, approved).when(stop)).toEqual({ ok: true, value: [asked] });
    expect(given(submitted, approved, vmStarted).when(stop)).toEqual({ ok: true, value: [asked] });
    expect(errorCode(given(submitted, approved, vmStarted, vmReady).when(stop))).toBe(
      "REQUEST_NOT_STOPPABLE",
    );
    expect(errorCode(given(submitted, approved, vmStarted, vmFailed).when(stop))).toBe(
      "REQUEST_NOT_STOPPABLE",
    );
  });
});
