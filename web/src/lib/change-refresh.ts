import type { Role } from "@gantry/shared/api/session";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { RequestChange } from "@gantry/shared/protocol/change-feed";

export interface FeedViewer {
  userId: string;
  role: Role;
}

/** Which cached reads a change makes stale; only the ones on screen are refetched. */
export interface Refresh {
  /** that request's detail */
  requestId: string;
  /** the viewer's own list: only when the request is theirs */
  myRequests: boolean;
  /** the approval queue: an admin's, when a request entered or left it */
  approvals: boolean;
  /** an admin's list of VMs left in vCenter: a failure may have added one */
  leftovers: boolean;
}

// a request enters the queue when submitted and leaves it when decided or withdrawn
const QUEUE_MOVES: ReadonlySet<VmRequestStatus> = new Set(["PENDING", "APPROVED", "REJECTED", "CANCELLED"]);

export function refreshFor(change: RequestChange, viewer: FeedViewer): Refresh {
  return {
    requestId: change.requestId,
    myRequests: change.requesterId === viewer.userId,
    approvals: viewer.role === "admin" && QUEUE_MOVES.has(change.status),
    leftovers: viewer.role === "admin" && change.status === "FAILED",
  };
}
