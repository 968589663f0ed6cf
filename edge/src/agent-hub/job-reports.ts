import type { JobReport } from "@gantry/shared/protocol/job-report";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import type { Result } from "@gantry/shared/result";
import { JobStreamCache } from "../commands/job-stream-cache.ts";
import {
  type JobUpdateError,
  type JobUpdateRecorded,
  recordJobUpdate,
} from "../commands/record-job-update.ts";
import { hubDeps } from "../deps.ts";
import { logEvent } from "../log.ts";
import { requestProgress } from "../stubs.ts";

/** Where the hub sends what agents report: the D1 log first, then the (best-effort) progress fan-out. */
export interface JobReportSink {
  /** `recorded` false: the log already held it (a resend or a repeat), nothing was written */
  record(report: JobReport): Promise<Result<JobUpdateRecorded, JobUpdateError>>;
  publish(update: ProgressUpdate, origin: { tenantId: string }): Promise<void>;
}

/** Progress is a cache of the log (R11): a failed publish costs a redraw, never the frame. */
async function publishProgress(
  env: Env,
  update: ProgressUpdate,
  origin: { tenantId: string },
): Promise<void> {
  try {
    const published = await requestProgress(env, update.requestId).publish(update, origin);
    if (!published.ok)
      logEvent("warn", "progress publish refused", { requestId: update.requestId, error: published.error });
  } catch (error) {
    logEvent("warn", "progress publish failed", { requestId: update.requestId, error: String(error) });
  }
}

export function createJobReportSink(env: Env): JobReportSink {
  const deps = hubDeps(env);
  // one per hub: the streams of the jobs it runs, as its last commits left them
  const cache = new JobStreamCache();
  return {
    record: (report) => recordJobUpdate(deps, report, { cache }),
    publish: (update, origin) => publishProgress(env, update, origin),
  };
}
