import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { RequestChange } from "@gantry/shared/protocol/change-feed";
import type { StreamAppend } from "../event-store/stored-event.ts";

/** The summary status an event leaves its request in; null for events that do not change it. */
export function statusAfter(event: DomainEvent): VmRequestStatus | null {
  switch (event.type) {
    case "VmRequestSubmitted":
      return "PENDING";
    case "VmRequestApproved":
      return "APPROVED";
    case "VmRequestRejected":
      return "REJECTED";
    case "VmRequestCancelled":
      return "CANCELLED";
    case "VmRequestProvisioningStarted":
      return "PROVISIONING";
    case "VmRequestReady":
      return "READY";
    case "VmRequestFailed":
      return "FAILED";
    // the outcome of a stop (FAILED) is the change lists show
    case "VmRequestStopRequested":
    // stages change the progress view (pushed by RequestProgress), not the status lists show
    case "VmProvisioningStarted":
    case "VmProvisioningStageReached":
    case "VmProvisioned":
    case "VmProvisioningFailed":
    case "VmLeftoverCleared":
    case "VmAddressObserved":
      return null;
    // a site's, agent's or person's facts are on streams of their own; the VM's life after READY is
    // told as `vm` changes (announceVmCommitted)
    default:
      return null;
  }
}

/**
 * What one committed append to a request's stream means for the tenant's feed: the status and stream
 * version the request ended at (one change per commit, however many events it held), or null when no
 * event changed the status.
 */
export function requestChangeOf(input: {
  requestId: string;
  requesterId: string;
  append: StreamAppend;
}): RequestChange | null {
  const { append } = input;
  for (let i = append.events.length - 1; i >= 0; i--) {
    const recorded = append.events[i];
    const status = recorded ? statusAfter(recorded.event) : null;
    if (!recorded || !status) continue;
    return {
      requestId: input.requestId,
      requesterId: input.requesterId,
      status,
      version: append.expectedVersion + i + 1,
      at: recorded.occurredAt,
    };
  }
  return null;
}
