import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import { describe, expect, it } from "vitest";
import { evolveVmRequest, initialVmRequestState } from "./vm-request.ts";
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
const start: VmRequestCommand = { type: "StartRequestProvisioning", data: started.data };
const complete: VmRequestCommand = { type: "CompleteRequest", data: ready.data };
const fail: VmRequestCommand = { type: "FailRequest", data: failed.data };

// given events, when a command, then events or an error code
const given = (...events: VmRequestEvent[]) => ({
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
    for (const command of [approve, reject, cancel, start, complete, fail]) {
      expect(errorCode(given().when(command))).toBe("REQUEST_NOT_FOUND");
    }
  });

  it("moves APPROVED to PROVISIONING, once", () => {
    expect(given(submitted, approved).when(start)).toEqual({ ok: true, value: [started] });
    expect(given(submitted, approved, started).when(start)).toEqual({ ok: true, value: [] });
  });

  it("refuses to start provisioning a request that was not approved", () => {
    expect(errorCode(given(submitted).when(start))).toBe("INVALID_TRANSITION");
    expect(errorCode(given(submitted, rejected).when(start))).toBe("INVALID_TRANSITION");
  });

  it("moves PROVISIONING to READY or FAILED, and repeats are no-ops", () => {
    expect(given(submitted, approved, started).when(complete)).toEqual({ ok: true, value: [ready] });
    expect(given(submitted, approved, started).when(fail)).toEqual({ ok: true, value: [failed] });
    expect(given(submitted, approved, started, ready).when(complete)).toEqual({ ok: true, value: [] });
    expect(given(submitted, approved, started, failed).when(fail)).toEqual({ ok: true, value: [] });
  });

  it("refuses READY or FAILED before provisioning started, and after the other outcome", () => {
    expect(errorCode(given(submitted, approved).when(complete))).toBe("INVALID_TRANSITION");
    expect(errorCode(given(submitted, approved).when(fail))).toBe("INVALID_TRANSITION");
    expect(errorCode(given(submitted, approved, started, ready).when(fail))).toBe("INVALID_TRANSITION");
  });
});
