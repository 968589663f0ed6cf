import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { JobReport } from "@gantry/shared/protocol/job-report";
import { logEvent } from "../log.ts";
import { sendFrame, welcomedSockets } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import type { Job } from "./job-queue.ts";

export type StopOutcome = "stopped" | "stopping" | "already-finished";

/**
 * An admin's stop: a job no agent runs yet ends here (its outcome recorded at once); a running one is
 * told to stop, and its agent tears down what it built and reports CANCELLED like any other outcome.
 * Safe to repeat: a stop whose outcome could not be recorded yet tries again.
 */
export async function stopJob(
  hub: HubContext,
  input: { jobId: string; tenantId: string; siteId: string; requestId: string; kind?: string },
): Promise<StopOutcome> {
  const { jobId, tenantId, siteId, requestId, kind } = input;
  const status = hub.queue.requestCancel({
    jobId,
    now: hub.now(),
    tombstone: { tenantId, siteId, requestId, ...(kind === undefined ? {} : { kind }) },
  });
  const job = hub.queue.get(jobId);
  if (status === "cancelling" && job) {
    for (const s of welcomedSockets(hub.ctx, job.agentId ?? "")) {
      sendFrame(s.ws, { type: "job.cancel", jobId, epoch: job.epoch, reason: "requested" });
    }
    return "stopping";
  }
  if (job?.outcome !== "cancelled") return "already-finished";
  await recordPendingOutcomes(hub);
  return "stopped";
}

/**
 * Puts a job back in the queue after its agent gave it back or lost it; a job an admin had stopped
 * ends there instead, its outcome pending for `recordPendingOutcomes`. Synchronous, so a loop over
 * jobs cannot interleave with a stop or a renewal.
 */
export function requeueJob(hub: HubContext, job: Job, now: number, options: { expiredBy?: number } = {}) {
  return hub.queue.requeue({ jobId: job.jobId, epoch: job.epoch, now, ...options });
}

/**
 * Records CANCELLED for every stopped job whose agent will never report it (it never ran, vanished,
 * or gave the job back); otherwise its request would stay APPROVED or PROVISIONING forever. A job
 * whose write fails stays pending: the sweep alarm runs this again until it lands.
 */
export async function recordPendingOutcomes(hub: HubContext): Promise<void> {
  for (const job of hub.queue.pendingOutcomes()) {
    if (await recordStopped(hub, job)) hub.queue.outcomeRecorded(job.jobId);
  }
}

/** The outcome of a stopped job no agent reports, said by the hub in the agent's stead. */
function stoppedReport(job: Job, at: string): JobReport {
  if (job.kind.startsWith("vm.")) return stoppedActionReport(job, at);
  // an agent held it: it may have started a clone whose stage frame never arrived, so say so
  const mayHaveBuilt = job.attempt > 0;
  const failure: ProvisioningFailure = {
    code: "CANCELLED",
    userMessage: "An admin stopped this request before the VM was ready.",
    technicalDetail: mayHaveBuilt
      ? `stopped while its agent was unreachable (last stage reported: ${job.stages.at(-1) ?? "none"}): no teardown was reported, so a half-built VM may be left in vCenter`
      : "stopped before an agent started the job; nothing was built",
    retriable: false,
    attempts: Math.max(1, job.attempt),
    cleanupFailed: mayHaveBuilt,
  };
  return {
    tenantId: job.tenantId,
    requestId: job.requestId,
    jobId: job.jobId,
    agentId: job.agentId ?? "hub",
    epoch: job.epoch,
    // one outcome per job, however often this runs
    eventId: `stopped:${job.jobId}`,
    update: { kind: "failed", failure, at },
  };
}

/** A VM action stopped before any agent reported its outcome (its deadline passed): CANCELLED. */
function stoppedActionReport(job: Job, at: string): JobReport {
  return {
    tenantId: job.tenantId,
    requestId: job.requestId,
    jobId: job.jobId,
    agentId: job.agentId ?? "hub",
    epoch: job.epoch,
    eventId: `stopped:${job.jobId}`,
    update: {
      kind: "action-failed",
      failure: {
        code: "CANCELLED",
        userMessage: "",
        technicalDetail:
          job.attempt > 0
            ? `stopped while its agent was unreachable (attempt ${job.attempt}); it may have changed the VM in part`
            : "stopped before an agent started the job; nothing was done",
        retriable: false,
        attempts: Math.max(1, job.attempt),
      },
      at,
    },
  };
}

async function recordStopped(hub: HubContext, job: Job): Promise<boolean> {
  const report = stoppedReport(job, new Date(hub.now()).toISOString());
  const recorded = await hub.sink.record(report);
  if (!recorded.ok) {
    if (recorded.error.retryable) {
      logEvent("warn", "stopped job's outcome not recorded yet; will retry", {
        jobId: job.jobId,
        error: recorded.error,
      });
      return false;
    }
    // refused for good (e.g. the request ended otherwise meanwhile): nothing left to record
    logEvent("warn", "stopped job's outcome refused", { jobId: job.jobId, error: recorded.error });
    return true;
  }
  // progress only ever shows what the log holds: a repeat that recorded nothing publishes nothing
  if (recorded.value.recorded) {
    await hub.sink.publish(report.update, { tenantId: job.tenantId, requestId: job.requestId });
  }
  return true;
}
