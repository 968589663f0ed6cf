import { type JobDispatch, JobDispatchError, type JobDispatcher } from "../../src/commands/job-dispatcher.ts";

/**
 * Test double for the AgentHub's queue (another engineer's work in progress): records every dispatch,
 * deduplicates by job id like the hub, and can be told to be unreachable.
 */
export class RecordingJobDispatcher implements JobDispatcher {
  readonly calls: JobDispatch[] = [];
  readonly queued = new Map<string, JobDispatch>();
  unreachable = false;

  async dispatch(input: JobDispatch): Promise<void> {
    this.calls.push(input);
    if (this.unreachable) throw new JobDispatchError("hub unreachable", { retryable: true });
    if (!this.queued.has(input.job.jobId)) this.queued.set(input.job.jobId, input);
  }
}
