import { VM_ACTION_JOB_KINDS } from "@gantry/shared/jobs/vm-action-job";
import {
  type JobDispatch,
  JobDispatchError,
  type JobDispatcher,
  type SiteCapabilities,
} from "../../src/commands/job-dispatcher.ts";

/**
 * Test double for the AgentHub's queue (another engineer's work in progress): records every dispatch,
 * deduplicates by job id like the hub, and can be told to be unreachable.
 */
export class RecordingJobDispatcher implements JobDispatcher {
  readonly calls: JobDispatch[] = [];
  readonly queued = new Map<string, JobDispatch>();
  unreachable = false;
  /** What the site's agents can run; by default one agent of this release, running every kind. */
  agents: SiteCapabilities = {
    connected: 1,
    jobs: ["provision-vm", ...VM_ACTION_JOB_KINDS],
    versions: ["0.2.0"],
  };

  async dispatch(input: JobDispatch): Promise<void> {
    this.calls.push(input);
    if (this.unreachable) throw new JobDispatchError("hub unreachable", { retryable: true });
    if (!this.queued.has(input.job.jobId)) this.queued.set(input.job.jobId, input);
  }

  async capabilities(): Promise<SiteCapabilities> {
    return this.agents;
  }
}
