import type { QuotaScopeKind, QuotaShortfall } from "./quota.ts";
import type { VmRequestStatus, VmStatus } from "./request-status.ts";
import type { VmActionKind } from "./vm-actions.ts";

/**
 * Expected failures of the request workflow, as plain data with a literal `code` so they cross
 * DO RPC intact. The edge maps each code to a transport error in exactly one place.
 */
export type DomainError =
  | { code: "REQUEST_NOT_FOUND"; requestId: string }
  | { code: "PROJECT_NOT_FOUND"; projectId: string }
  | { code: "SITE_NOT_CONFIGURED"; siteId: string }
  /** the job an approval would dispatch does not pass the job schema: nothing is committed */
  | { code: "INVALID_JOB"; requestId: string; field: string; problem: string }
  | { code: "REQUEST_ALREADY_EXISTS"; requestId: string }
  | { code: "IDEMPOTENCY_KEY_REUSED"; requestId: string }
  /** approve/reject on a request that is no longer PENDING */
  | { code: "REQUEST_ALREADY_PROCESSED"; requestId: string; status: VmRequestStatus }
  /** the admin acted on a version of the request that is no longer current */
  | { code: "STALE_REQUEST_VERSION"; requestId: string; expectedVersion: number; actualVersion: number }
  | { code: "REQUEST_NOT_CANCELLABLE"; requestId: string; status: VmRequestStatus }
  | { code: "SELF_APPROVAL_FORBIDDEN"; requestId: string }
  /** a rule needs two approvals by different people: this person has given theirs already */
  | { code: "APPROVAL_ALREADY_GIVEN"; requestId: string }
  /** the caller is neither a tenant admin nor an approver of the request's project */
  | { code: "NOT_PROJECT_APPROVER"; requestId: string; projectId: string }
  /** the size is not (or no longer) in the tenant's catalogue: a request or a resize cannot pick it */
  | { code: "SIZE_NOT_OFFERED"; size: string }
  /** the project was archived: it takes no new request */
  | { code: "PROJECT_ARCHIVED"; projectId: string }
  /** only the requester may cancel; admins see the request but cannot withdraw it for them */
  | { code: "NOT_REQUESTER"; requestId: string }
  | { code: "INVALID_TRANSITION"; streamId: string; from: string; attempted: string }
  | { code: "CONCURRENT_MODIFICATION"; streamId: string }
  | { code: "JOB_MISMATCH"; requestId: string; jobId: string }
  /** a job update under a lease epoch older than the job's newest grant: refused, nothing written */
  | { code: "STALE_LEASE"; jobId: string; epoch: number }
  /** only approved or provisioning requests can be stopped */
  | { code: "REQUEST_NOT_STOPPABLE"; requestId: string; status: VmRequestStatus }
  /** clearing a leftover VM on a request whose provisioning left nothing behind */
  | { code: "NO_LEFTOVER"; requestId: string }
  // -- the VM after READY --
  /** no VM of that id the caller may see (another tenant's, another member's, or none at all) */
  | { code: "VM_NOT_FOUND"; vmId: string }
  /** one action at a time: another runs on the VM */
  | { code: "VM_BUSY"; vmId: string; running: VmActionKind; actionId: string; since: string }
  /** the action makes no sense in the VM's state (power on a running VM, anything on a deleted one) */
  | { code: "ACTION_NOT_APPLICABLE"; vmId: string; kind: VmActionKind; why: string; status: VmStatus }
  /** the typed name does not match the VM's */
  | { code: "CONFIRMATION_MISMATCH"; vmId: string }
  | { code: "DISK_SHRINK_REFUSED"; vmId: string; fromGb: number; toGb: number }
  | { code: "SNAPSHOT_CAP_REACHED"; vmId: string; cap: number }
  | { code: "SNAPSHOT_NOT_FOUND"; vmId: string; snapshotId: string }
  /** a resize up already waits for approval */
  | { code: "RESIZE_PENDING"; vmId: string; approvalId: string }
  | { code: "APPROVAL_NOT_FOUND"; vmId: string; approvalId: string }
  /** the site has no connected agent that runs this action (none at all, or only older ones) */
  | { code: "NO_AGENT_CAN_RUN"; kind: VmActionKind; siteName: string; connected: number; minVersion: string }
  /** another live request (pending, approved, provisioning or ready) of the project has this VM name */
  | { code: "VM_NAME_TAKEN"; projectId: string; name: string }
  /** the lease cannot be extended, rescued or decided on now (`why` says why, for people) */
  | { code: "LEASE_REFUSED"; vmId: string; why: string }
  /**
   * the request (at submit or approve) or resize (at its request or approval) does not fit the project's
   * or the tenant's quota; at approve this is also the loser of a race for the last capacity
   */
  | {
      code: "QUOTA_EXCEEDED";
      scope: QuotaScopeKind;
      scopeName: string;
      shortfall: QuotaShortfall;
      /** "this request" or "this resize": what needs the capacity */
      what: string;
      /** the input field it is about (a submitted size), if any */
      field: "size" | null;
    };

export type DomainErrorCode = DomainError["code"];
