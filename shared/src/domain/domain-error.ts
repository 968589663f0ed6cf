import type { VmRequestStatus } from "./request-status.ts";

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
  /** another live request (pending, approved, provisioning or ready) of the project has this VM name */
  | { code: "VM_NAME_TAKEN"; projectId: string; name: string };

export type DomainErrorCode = DomainError["code"];
