import type { ProvisionedVm, ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import { err, ok, type Result } from "@gantry/shared/result";
import { JobStreamCache } from "../commands/job-stream-cache.ts";
import { recordJobUpdate } from "../commands/record-job-update.ts";
import { logEvent } from "../log.ts";

/** A durable job frame that passed the hub's fencing check, on its way to the event log. */
export interface JobUpdate {
  tenantId: string;
  siteId: string;
  jobId: string;
  requestId: string;
  agentId: string;
  epoch: number;
  seq: number;
  /** The frame's id: stable across resends, so the append is idempotent. */
  eventId: string;
  update:
    | { kind: "stage"; stage: ProvisioningStage; at: string }
    | { kind: "succeeded"; vm: ProvisionedVm; at: string }
    | { kind: "failed"; failure: ProvisioningFailure; at: string };
}

export type RecordError = { code: string; retryable: boolean; message: string };

/** Where the hub sends what agents report: the D1 log first, then the (best-effort) progress fan-out. */
export interface JobUpdateSink {
  /** `recorded` false: the log already held it (a resend or a repeat), nothing was written */
  record(update: JobUpdate): Promise<Result<{ recorded: boolean }, RecordError>>;
  publish(update: ProgressUpdate, origin: { tenantId: string }): Promise<void>;
}

/** Progress is a cache of the log (R11): a failed publish costs a redraw, never the frame. */
async function publishProgress(
  env: Env,
  update: ProgressUpdate,
  origin: { tenantId: string },
): Promise<void> {
  try {
    const stub = env.REQUEST_PROGRESS.get(env.REQUEST_PROGRESS.idFromName(update.requestId));
    const published = await stub.publish(update, origin);
    if (!published.ok)
      logEvent("warn", "progress publish refused", { requestId: update.requestId, error: published.error });
  } catch (error) {
    logEvent("warn", "progress publish failed", { requestId: update.requestId, error: String(error) });
  }
}

export function createJobUpdateSink(env: Env): JobUpdateSink {
  // one per hub: the streams of the jobs it runs, as its last commits left them
  const cache = new JobStreamCache();
  return {
    record: async (u) => {
      const recorded = await recordJobUpdate(
        env,
        {
          tenantId: u.tenantId,
          requestId: u.requestId,
          jobId: u.jobId,
          leaseEpoch: u.epoch,
          eventId: u.eventId,
          agentId: u.agentId,
          update: u.update,
        },
        { cache },
      );
      return recorded.ok ? ok({ recorded: recorded.value.recorded }) : err(recorded.error);
    },
    publish: (update, origin) => publishProgress(env, update, origin),
  };
}
