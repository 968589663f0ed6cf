import type { AgentJob } from "@gantry/shared/protocol/agent";

/** A job on its way to the agent pool of a tenant's site: a provisioning run or an action on a VM. */
export interface JobDispatch {
  tenantId: string;
  siteId: string;
  job: AgentJob;
}

/** What a site's connected agents can run now: how many are connected and the job kinds they name. */
export interface SiteCapabilities {
  connected: number;
  jobs: readonly string[];
  /** the versions the connected agents report, for telling people what to update */
  versions: readonly string[];
}

/**
 * Hands a job to the site's agent pool. Implementations must be idempotent by `job.jobId`: the outbox
 * relays at least once (right after the approval, then from the sweeper until confirmed).
 * Resolves once the pool has durably queued the job; rejects otherwise, and the sweeper tries again.
 */
export interface JobDispatcher {
  dispatch(input: JobDispatch): Promise<void>;
  /** Asked before a VM action is accepted, so an action no connected agent can run is refused at once. */
  capabilities(siteId: string): Promise<SiteCapabilities>;
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
