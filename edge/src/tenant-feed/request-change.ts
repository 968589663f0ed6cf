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
    // the VM's start and outcome move its request on (older logs: mirrored on the request's stream)
    case "VmProvisioningStarted":
    case "VmRequestProvisioningStarted":
      return "PROVISIONING";
    case "VmProvisioned":
    case "VmRequestReady":
      return "READY";
    case "VmProvisioningFailed":
    case "VmRequestFailed":
      return "FAILED";
    // the outcome of a stop (FAILED) is the change lists show
    case "VmRequestStopRequested":
    // stages change the progress view (pushed by RequestProgress), not the status lists show
    case "VmProvisioningStageReached":
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
 * What one committed append to a request's stream or its VM's means for the tenant's feed: the status the
 * request ended at (one change per commit, however many events it held), or null when no event changed
 * the status. Its version is the sum of both streams' versions, which grows with every append to either
 * (the feed keeps only a request's newest version); an append to the request's stream before its VM's
 * begins is simply its own version.
 */
export function requestChangeOf(input: {
  requestId: string;
  requesterId: string;
  append: StreamAppend;
  otherStreamVersion?: number;
}): RequestChange | null {
  const { append } = input;
  const base = append.expectedVersion + (input.otherStreamVersion ?? 0);
  for (let i = append.events.length - 1; i >= 0; i--) {
    const recorded = append.events[i];
    const status = recorded ? statusAfter(recorded.event) : null;
    if (!recorded || !status) continue;
    return {
      requestId: input.requestId,
      requesterId: input.requesterId,
      status,
      version: base + i + 1,
      at: recorded.occurredAt,
    };
  }
  return null;
}
