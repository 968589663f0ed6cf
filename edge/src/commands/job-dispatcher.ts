import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";

/** A job on its way to the agent pool of a tenant's site. */
export interface JobDispatch {
  tenantId: string;
  siteId: string;
  job: ProvisionVmJob;
}

/**
 * Hands a job to the site's agent pool. Implementations must be idempotent by `job.jobId`: the outbox
 * relays at least once (right after the approval, then from the sweeper until confirmed).
 * Resolves once the pool has durably queued the job; rejects otherwise, and the sweeper tries again.
 */
export interface JobDispatcher {
  dispatch(input: JobDispatch): Promise<void>;
}

/** The pool refused or could not be reached; `retryable: false` means retrying will not help. */
export class JobDispatchError extends Error {
  override readonly name = "JobDispatchError";
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable: boolean }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}
