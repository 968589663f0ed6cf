import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";
import { logEvent } from "../agents/log.ts";
import type { HubContext } from "./agent-hub-context.ts";
import type { JobRow } from "./agent-hub-leases.ts";
import { sendFrame, welcomedSockets } from "./agent-hub-sockets.ts";

export type StopOutcome = "stopped" | "stopping" | "already-finished";

/**
 * An admin's stop: a job no agent runs yet ends here (its outcome recorded at once); a running one is
 * told to stop, and its agent tears down what it built and reports CANCELLED like any other outcome.
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
  // a repeated stop after a lost outcome records it again (idempotent by event id)
  if (row?.outcome !== "cancelled") return "already-finished";
  await settleCancelledJob(hub, jobId);
  return "stopped";
}

/**
 * Puts a job back in the queue after its agent gave it back or lost it. A job an admin had stopped
 * ends there instead, and its outcome is recorded here, since no agent will report it: otherwise its
 * request would stay PROVISIONING forever.
 */
export async function requeueJob(hub: HubContext, row: JobRow, now: number): Promise<boolean> {
  if (!hub.queue.requeue({ jobId: row.job_id, epoch: row.epoch, now })) return false;
  if (row.cancel_requested === 1) await settleCancelledJob(hub, row.job_id);
  return true;
}

const Stages = z.array(ProvisioningStage).catch([]);

/** Records CANCELLED for a stopped job whose agent never reported it; a no-op for any other job. */
async function settleCancelledJob(hub: HubContext, jobId: string): Promise<void> {
  const row = hub.queue.get(jobId);
  if (row?.state !== "done" || row.outcome !== "cancelled") return;
  const stages = Stages.parse(JSON.parse(row.stages));
  // once cloning began, a VM may exist that no agent will remove: admins are shown it to delete
  const mayHaveBuilt = stages.length > 0;
  const failure: ProvisioningFailure = {
    code: "CANCELLED",
    userMessage: "An admin stopped this request before the VM was ready.",
    technicalDetail: mayHaveBuilt
      ? `stopped while the agent was unreachable after ${stages.at(-1)}: it never reported its teardown, so a half-built VM may be left in vCenter`
      : "stopped before an agent started the job; nothing was built",
    retriable: false,
    attempts: Math.max(1, row.attempt),
    cleanupFailed: mayHaveBuilt,
  };
  const at = new Date(hub.now()).toISOString();
  const recorded = await hub.sink.record({
    tenantId: row.tenant_id,
    siteId: row.site_id,
    jobId,
    requestId: row.request_id,
    agentId: row.agent_id ?? "hub",
    epoch: row.epoch,
    seq: row.last_seq + 1,
    // one outcome per job, however often this runs
    eventId: `stopped:${jobId}`,
    update: { kind: "failed", failure, at },
  });
  if (!recorded.ok) {
    // a stop pressed again records it (stopJob); until then the request shows its last state
    logEvent("error", "stopped job's outcome not recorded", { jobId, error: recorded.error });
    return;
  }
  await hub.sink.publish(
    { kind: "failed", requestId: row.request_id, failure, at },
    { tenantId: row.tenant_id },
  );
}
