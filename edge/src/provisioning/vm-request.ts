import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { DEFAULT_VM_SIZE, type VmSize, type VmSpec } from "@gantry/shared/domain/vm-size";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { Requester, VmRequestEvent } from "@gantry/shared/events/vm-request";

/** What the VmRequest aggregate remembers of its own events. */
export type VmRequestState =
  | { status: "NONE" }
  | {
      status: VmRequestStatus;
      requestId: string;
      requester: Requester;
      projectId: string;
      name: string;
      size: VmSize;
      spec: VmSpec;
      justification: string;
      networkPath: string | null;
      jobId: string | null;
      vmId: string | null;
      /** an admin asked to stop it; the outcome (FAILED, CANCELLED) comes from the job */
      stopRequested: boolean;
      /** approvals the approval policy asks for (0: the policy approves it; 1 without a policy) */
      approvalsRequired: number;
      /** who has approved so far, while more approvals are needed */
      approvedBy: readonly string[];
    };

export type ExistingVmRequest = Exclude<VmRequestState, { status: "NONE" }>;

export const initialVmRequestState: VmRequestState = { status: "NONE" };

/**
 * The VM's events that move its request on: its start (PROVISIONING) and its outcome (READY, FAILED). The
 * request's stream records no copy of them (older logs do: VmRequestProvisioningStarted, VmRequestReady and
 * VmRequestFailed, still folded below), so whoever folds a request folds its VM's stream too.
 */
export type VmProvisioningEvent = Extract<
  VmEvent,
  { type: "VmProvisioningStarted" | "VmProvisioned" | "VmProvisioningFailed" }
>;

const PROVISIONING_TYPES: ReadonlySet<string> = new Set([
  "VmProvisioningStarted",
  "VmProvisioned",
  "VmProvisioningFailed",
]);

export const isVmProvisioningEvent = (event: { type: string }): event is VmProvisioningEvent =>
  PROVISIONING_TYPES.has(event.type);

/** What the VM's start or outcome makes of its request; a log of both forms folds to the same state. */
function evolveByVm(state: ExistingVmRequest, event: VmProvisioningEvent): ExistingVmRequest {
  switch (event.type) {
    case "VmProvisioningStarted":
      // an adopted VM's request is PROVISIONING from its adoption
      return state.status === "APPROVED" || state.status === "PROVISIONING"
        ? { ...state, status: "PROVISIONING", vmId: event.data.vmId }
        : state;
    case "VmProvisioned":
      return state.status === "PROVISIONING" ? { ...state, status: "READY" } : state;
    case "VmProvisioningFailed":
      return state.status === "PROVISIONING" ? { ...state, status: "FAILED" } : state;
  }
}

/** Folds one event into the state. Pure; events are facts, so nothing here can fail. */
export function evolveVmRequest(
  state: VmRequestState,
  event: VmRequestEvent | VmProvisioningEvent,
): VmRequestState {
  if (isVmProvisioningEvent(event)) return state.status === "NONE" ? state : evolveByVm(state, event);
  if (event.type === "VmRequestSubmitted") {
    const { requestId, requester, projectId, name, size, spec, justification, networkPath } = event.data;
    return {
      status: "PENDING",
      requestId,
      requester,
      projectId,
      name,
      size,
      spec,
      justification,
      networkPath,
      jobId: null,
      vmId: null,
      stopRequested: false,
      approvalsRequired: 1,
      approvedBy: [],
    };
  }
  if (event.type === "VmAdopted") {
    const { requestId, vmId, owner, projectId, name, spec, jobId } = event.data;
    // an adopted VM has no catalogue size: the code is a placeholder, its spec is what it observably has
    return {
      status: "PROVISIONING",
      requestId,
      requester: owner,
      projectId,
      name,
      size: DEFAULT_VM_SIZE,
      spec,
      justification: "adopted from reconciliation",
      networkPath: null,
      jobId,
      vmId,
      stopRequested: false,
      // an admin adopted it: no approval is asked of anyone
      approvalsRequired: 0,
      approvedBy: [],
    };
  }
  if (state.status === "NONE") return state;
  switch (event.type) {
    case "VmRequestPolicyApplied":
      return { ...state, approvalsRequired: event.data.approvalsRequired };
    case "VmRequestApprovalGiven":
      return { ...state, approvedBy: [...state.approvedBy, event.data.approverId] };
    case "VmRequestApproved":
      return { ...state, status: "APPROVED", jobId: event.data.jobId };
    case "VmRequestRejected":
      return { ...state, status: "REJECTED" };
    case "VmRequestCancelled":
      return { ...state, status: "CANCELLED" };
    case "VmRequestStopRequested":
      return { ...state, stopRequested: true };
    // older logs: the VM's start and outcome mirrored on the request's stream
    case "VmRequestProvisioningStarted":
      return { ...state, status: "PROVISIONING", vmId: event.data.vmId };
    case "VmRequestReady":
      return { ...state, status: "READY" };
    case "VmRequestFailed":
    case "VmAdoptionFailed":
      return { ...state, status: "FAILED" };
  }
}

/** A request moved on by its VM's events (any of them; only its start and outcome count). */
export const withVmEvents = (state: VmRequestState, vmEvents: readonly { type: string }[]): VmRequestState =>
  vmEvents.reduce<VmRequestState>((s, e) => (isVmProvisioningEvent(e) ? evolveVmRequest(s, e) : s), state);
