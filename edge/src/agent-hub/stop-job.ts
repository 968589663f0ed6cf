import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { VmActionFailure } from "@gantry/shared/jobs/vm-action-job";
import type { JobReport } from "@gantry/shared/protocol/job-report";
import { logEvent } from "../log.ts";
import { sendFrame, welcomedSockets } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { Job, StopReason } from "./job.ts";

export type StopOutcome = "stopped" | "stopping" | "already-finished";

/**
 * Stops a job: one no agent runs yet ends here (its outcome recorded at once); a running one is told
 * to stop, and its agent tears down what it built and reports the outcome like any other. Its agent
 * has `stopGraceMs` to do so, or the hub takes the job back and records the outcome itself (see
 * `takeBackUnansweredStops`). Safe to repeat: a stop whose outcome could not be recorded yet tries again.
 */
async function stop(
  hub: HubContext,
  input: {
    jobId: string;
    reason: StopReason;
    tombstone?: { tenantId: string; siteId: string; requestId: string; kind?: string };
  },
): Promise<StopOutcome> {
  const { jobId, reason } = input;
  const status = hub.queue.requestCancel({
    jobId,
    now: hub.now(),
    reason,
    graceMs: hub.settings.stopGraceMs,
    ...(input.tombstone ? { tombstone: input.tombstone } : {}),
  });
  const job = hub.queue.get(jobId);
  if (status === "cancelling" && job) {
    for (const s of welcomedSockets(hub.ctx, job.agentId ?? "")) {
      // "requested" for both reasons: every protocol version stops and cleans up on it
      sendFrame(s.ws, { type: "job.cancel", jobId, epoch: job.epoch, reason: "requested" });
    }
    return "stopping";
  }
  if (job?.outcome !== "cancelled" && job?.outcome !== "timed-out") return "already-finished";
  await recordPendingOutcomes(hub);
  return "stopped";
}

/**
 * An admin's stop, or the edge's for a VM action past its deadline. A job not (yet) queued is recorded
 * as stopped (as a job of `kind`, provision-vm by default), so a late dispatch never runs it.
 */
export function stopJob(
  hub: HubContext,
  input: { jobId: string; tenantId: string; siteId: string; requestId: string; kind?: string },
): Promise<StopOutcome> {
  const { jobId, tenantId, siteId, requestId, kind } = input;
  const tombstone = { tenantId, siteId, requestId, ...(kind === undefined ? {} : { kind }) };
  return stop(hub, { jobId, reason: "requested", tombstone });
}

/**
 * Every job past the site's maximum duration (from its first grant) is stopped as TIMED_OUT: a stuck
 * wait anywhere (a clone task whose end was never seen, an agent that renews but never reports) ends
 * in a clear failure instead of a request that stays PROVISIONING forever.
 */
export async function timeOutOverdueJobs(hub: HubContext): Promise<void> {
  const now = hub.now();
  for (const job of hub.queue.overdue(now, hub.settings.jobMaxDurationMs)) {
    bumpCounter(hub.sql, "jobs_timed_out");
    logEvent("warn", "job ran past the maximum duration; stopping it", {
      jobId: job.jobId,
      agentId: job.agentId,
      maxMinutes: Math.round(hub.settings.jobMaxDurationMs / 60_000),
      lastStage: job.stages.at(-1) ?? null,
    });
    await stop(hub, { jobId: job.jobId, reason: "timed-out" });
  }
}

/**
 * A stopped job whose agent still holds it after the grace period (connected and renewing, but its
 * teardown never reported) is taken back: renewals fail from now on, so the agent gives it up, and the
 * outcome is recorded by the hub, flagged as a possible leftover in vCenter.
 */
export function takeBackUnansweredStops(hub: HubContext): void {
  const now = hub.now();
  for (const job of hub.queue.stopsPastDeadline(now)) {
    if (!requeueJob(hub, job, now)) continue;
    bumpCounter(hub.sql, "stops_taken_back");
    logEvent("warn", "stopped job's agent did not report in time; the hub records the outcome", {
      jobId: job.jobId,
      agentId: job.agentId,
    });
    for (const s of welcomedSockets(hub.ctx, job.agentId ?? "")) {
      sendFrame(s.ws, { type: "job.cancel", jobId: job.jobId, epoch: job.epoch, reason: "reassigned" });
    }
  }
}

/**
 * Puts a job back in the queue after its agent gave it back or lost it; a job that was stopped ends
 * there instead, its outcome pending for `recordPendingOutcomes`. Synchronous, so a loop over jobs
 * cannot interleave with a stop or a renewal.
 */
export function requeueJob(hub: HubContext, job: Job, now: number, options: { expiredBy?: number } = {}) {
  return hub.queue.requeue({ jobId: job.jobId, epoch: job.epoch, now, ...options });
}

/**
 * Records the outcome of every stopped job whose agent will never report it (it never ran, vanished,
 * gave the job back or did not answer in time); otherwise its request would stay APPROVED or
 * PROVISIONING forever. A job whose write fails stays pending: the sweep alarm runs this again.
 */
export async function recordPendingOutcomes(hub: HubContext): Promise<void> {
  for (const job of hub.queue.pendingOutcomes()) {
    if (await recordStopped(hub, job)) hub.queue.outcomeRecorded(job.jobId);
  }
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** What a timed-out job's failure says, whoever reports it: the limit, and what is known of the run. */
export function timedOutFailure(
  hub: Pick<HubContext, "settings">,
  input: { detail: string; attempts: number; cleanupFailed: boolean },
): ProvisioningFailure {
  const limit = minutes(hub.settings.jobMaxDurationMs);
  return {
    code: "TIMED_OUT",
    userMessage: `Provisioning took longer than this site allows (${limit} min) and was stopped. Your admin has been told.`,
    technicalDetail:
      `stopped by the edge after ${limit} min (AGENT_JOB_MAX_DURATION_MS); ${input.detail}`.slice(0, 4000),
    retriable: false,
    attempts: Math.max(1, input.attempts),
    cleanupFailed: input.cleanupFailed,
  };
}

/** The outcome of a stopped job no agent reports, said by the hub in the agent's stead. */
function stoppedReport(hub: HubContext, job: Job, at: string): JobReport {
  if (job.kind.startsWith("vm.")) return stoppedActionReport(hub, job, at);
  // an agent held it: it may have started a clone whose stage frame never arrived, so say so
  const mayHaveBuilt = job.attempt > 0;
  const lastStage = job.stages.at(-1) ?? "none";
  const detail = mayHaveBuilt
    ? `no teardown was reported by its agent (last stage reported: ${lastStage}), so a half-built VM may be left in vCenter`
    : "stopped before an agent started the job; nothing was built";
  const failure: ProvisioningFailure =
    job.stopReason === "timed-out"
      ? timedOutFailure(hub, { detail, attempts: job.attempt, cleanupFailed: mayHaveBuilt })
      : {
          code: "CANCELLED",
          userMessage: "An admin stopped this request before the VM was ready.",
          technicalDetail: mayHaveBuilt ? `stopped while its agent was unreachable: ${detail}` : detail,
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
    receivedAt: at,
    update: { kind: "failed", failure, at },
    // the stages its agent reported after the first: the failure carries them into the log
    ...(job.stagesReached.length > 0 ? { stagesReached: job.stagesReached } : {}),
  };
}

/**
 * What a VM action's job stopped by the hub for running past the site's maximum job duration says
 * (the action's own, shorter deadline is the edge's sweep's: `expireVmActions`).
 */
export function timedOutActionFailure(
  hub: Pick<HubContext, "settings">,
  input: { detail: string; attempts?: number },
): VmActionFailure {
  const limit = minutes(hub.settings.jobMaxDurationMs);
  return {
    code: "TIMED_OUT",
    userMessage: "",
    technicalDetail:
      `stopped by the edge after ${limit} min (AGENT_JOB_MAX_DURATION_MS); ${input.detail}`.slice(0, 4000),
    retriable: true,
    attempts: Math.max(1, input.attempts ?? 1),
  };
}

/**
 * A VM action stopped before any agent reported its outcome (its deadline passed, or the hub's maximum
 * job duration): CANCELLED, or TIMED_OUT when the hub stopped it for running too long.
 */
function stoppedActionReport(hub: HubContext, job: Job, at: string): JobReport {
  const detail =
    job.attempt > 0
      ? `stopped while its agent was unreachable (attempt ${job.attempt}); it may have changed the VM in part`
      : "stopped before an agent started the job; nothing was done";
  const failure: VmActionFailure =
    job.stopReason === "timed-out"
      ? timedOutActionFailure(hub, { detail, attempts: job.attempt })
      : {
          code: "CANCELLED",
          userMessage: "",
          technicalDetail: detail,
          retriable: false,
          attempts: Math.max(1, job.attempt),
        };
  return {
    tenantId: job.tenantId,
    requestId: job.requestId,
    jobId: job.jobId,
    agentId: job.agentId ?? "hub",
    epoch: job.epoch,
    // one outcome per job, however often this runs
    eventId: `stopped:${job.jobId}`,
    receivedAt: at,
    jobKind: job.kind,
    update: { kind: "action-failed", failure, at },
  };
}

async function recordStopped(hub: HubContext, job: Job): Promise<boolean> {
  const report = stoppedReport(hub, job, new Date(hub.now()).toISOString());
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
