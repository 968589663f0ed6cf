import type { ScanFigures } from "@gantry/shared/domain/reconciliation";
import { isActionUpdate, type JobReport, type JobUpdate } from "@gantry/shared/protocol/job-report";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import type { Result } from "@gantry/shared/result";
import { JobStreamCache } from "../commands/job-stream-cache.ts";
import { type ReconcileError, reconcileSite, type SiteScanReport } from "../commands/reconcile-site.ts";
import {
  type JobUpdateError,
  type JobUpdateRecorded,
  recordJobUpdate,
} from "../commands/record-job-update.ts";
import { isUnownedVmJob, recordUnownedVmUpdate } from "../commands/record-unowned-vm-update.ts";
import { recordVmActionUpdate } from "../commands/record-vm-action-update.ts";
import {
  type ObservationsRecorded,
  type ObservationsReport,
  recordVmObservations,
} from "../commands/record-vm-observations.ts";
import { hubDeps } from "../deps.ts";
import { logEvent } from "../log.ts";
import { requestProgress } from "../stubs.ts";

type PercentUpdate = Extract<ProgressUpdate, { kind: "percent" }>;

/** Where the hub sends what agents report: the D1 log first, then the (best-effort) progress fan-out. */
export interface JobReportSink {
  /** `recorded` false: the log already held it (a resend or a repeat), nothing was written */
  record(report: JobReport): Promise<Result<JobUpdateRecorded, JobUpdateError>>;
  /**
   * After a report is in the log: a provisioning stage or outcome goes to its request's live progress.
   * A VM action's needs nothing here: recording it told the VM's pages (the tenant's change feed).
   */
  publish(update: JobUpdate, origin: { tenantId: string; requestId: string }): Promise<void>;
  /** A clone's percent: ephemeral, never recorded. */
  publishPercent(update: PercentUpdate, origin: { tenantId: string }): Promise<void>;
  /** What an agent's drift watch saw of the site's VMs. */
  recordObservations(
    report: ObservationsReport,
  ): Promise<Result<ObservationsRecorded, { retryable: boolean; message: string }>>;
  /** A reconciliation scan of the site, compared and recorded. */
  reconcile(report: SiteScanReport): Promise<Result<ScanFigures, ReconcileError>>;
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
    record: (report) => {
      const { update } = report;
      if (!isActionUpdate(update)) return recordJobUpdate(deps, { ...report, update }, { cache });
      return isUnownedVmJob(report.jobKind)
        ? recordUnownedVmUpdate(deps, { ...report, update })
        : recordVmActionUpdate(deps, { ...report, update });
    },
    publish: async (update, origin) => {
      if (isActionUpdate(update)) return;
      await publishProgress(env, { ...update, requestId: origin.requestId }, origin);
    },
    publishPercent: (update, origin) => publishProgress(env, update, origin),
    recordObservations: (report) => recordVmObservations(deps, report),
    reconcile: (report) => reconcileSite(deps, report),
  };
}
