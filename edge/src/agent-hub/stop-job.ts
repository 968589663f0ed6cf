import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";
import { logEvent } from "../log.ts";
import { sendFrame, welcomedSockets } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import type { JobRow } from "./job-queue.ts";

export type StopOutcome = "stopped" | "stopping" | "already-finished";

/**
 * An admin's stop: a job no agent runs yet ends here (its outcome recorded at once); a running one is
 * told to stop, and its agent tears down what it built and reports CANCELLED like any other outcome.
 * Safe to repeat: a stop whose outcome could not be recorded yet tries again.
 */
export async function stopJob(
  hub: HubContext,
  input: { jobId: string; tenantId: string; siteId: string; requestId: string },
): Promise<StopOutcome> {
  const { jobId, tenantId, siteId, requestId } = input;
  const status = hub.queue.requestCancel({
    jobId,
    now: hub.now(),
    tombstone: { tenantId, siteId, requestId },
  });
  const row = hub.queue.get(jobId);
  if (status === "cancelling" && row) {
    for (const s of welcomedSockets(hub.ctx, row.agent_id ?? "")) {
      sendFrame(s.ws, { type: "job.cancel", jobId, epoch: row.epoch, reason: "requested" });
    }
    return "stopping";
  }
  if (row?.outcome !== "cancelled") return "already-finished";
  await recordPendingOutcomes(hub);
  return "stopped";
}

/**
 * Puts a job back in the queue after its agent gave it back or lost it; a job an admin had stopped
 * ends there instead, its outcome pending for `recordPendingOutcomes`. Synchronous, so a loop over
 * rows cannot interleave with a stop or a renewal.
 */
export function requeueJob(hub: HubContext, row: JobRow, now: number, options: { expiredBy?: number } = {}) {
  return hub.queue.requeue({ jobId: row.job_id, epoch: row.epoch, now, ...options });
}

/**
 * Records CANCELLED for every stopped job whose agent will never report it (it never ran, vanished,
 * or gave the job back); otherwise its request would stay APPROVED or PROVISIONING forever. A job
 * whose write fails stays pending: the sweep alarm runs this again until it lands.
 */
export async function recordPendingOutcomes(hub: HubContext): Promise<void> {
  for (const row of hub.queue.pendingOutcomes()) {
    if (await recordStopped(hub, row)) hub.queue.outcomeRecorded(row.job_id);
  }
}

const Stages = z.array(ProvisioningStage).catch([]);

async function recordStopped(hub: HubContext, row: JobRow): Promise<boolean> {
  const stages = Stages.parse(JSON.parse(row.stages));
  // an agent held it: it may have started a clone whose stage frame never arrived, so say so
  const mayHaveBuilt = row.attempt > 0;
  const failure: ProvisioningFailure = {
    code: "CANCELLED",
    userMessage: "An admin stopped this request before the VM was ready.",
    technicalDetail: mayHaveBuilt
      ? `stopped while its agent was unreachable (last stage reported: ${stages.at(-1) ?? "none"}): no teardown was reported, so a half-built VM may be left in vCenter`
      : "stopped before an agent started the job; nothing was built",
    retriable: false,
    attempts: Math.max(1, row.attempt),
    cleanupFailed: mayHaveBuilt,
  };
  const at = new Date(hub.now()).toISOString();
  const recorded = await hub.sink.record({
    tenantId: row.tenant_id,
    siteId: row.site_id,
    jobId: row.job_id,
    requestId: row.request_id,
    agentId: row.agent_id ?? "hub",
    epoch: row.epoch,
    seq: row.last_seq + 1,
    // one outcome per job, however often this runs
    eventId: `stopped:${row.job_id}`,
    update: { kind: "failed", failure, at },
  });
  if (!recorded.ok) {
    if (recorded.error.retryable) {
      logEvent("warn", "stopped job's outcome not recorded yet; will retry", {
        jobId: row.job_id,
        error: recorded.error,
      });
      return false;
    }
    // refused for good (e.g. the request ended otherwise meanwhile): nothing left to record
    logEvent("warn", "stopped job's outcome refused", { jobId: row.job_id, error: recorded.error });
    return true;
  }
  // progress only ever shows what the log holds: a repeat that recorded nothing publishes nothing
  if (recorded.value.recorded) {
    await hub.sink.publish(
      { kind: "failed", requestId: row.request_id, failure, at },
      { tenantId: row.tenant_id },
    );
  }
  return true;
}
