import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import type { ActionUpdate, JobReport } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import { readStream } from "../event-store/read-stream.ts";
import { streamIds } from "../event-store/stored-event.ts";
import {
  unownedVmDestroyedStatement,
  unownedVmDestroyFailedStatement,
} from "../projections/reconciliation-projection.ts";
import { toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, done, handleCommand } from "./handle-command.ts";
import { leaseGuard } from "./lease-fence.ts";
import { recordAdoptionUpdate } from "./record-adoption-update.ts";
import {
  asReportWrite,
  type JobUpdateError,
  type JobUpdateRecorded,
  reportContext,
} from "./record-job-update.ts";
import { lastDestruction } from "./unowned-vm-destruction.ts";

/** Reconciliation's jobs on unowned VMs: their reports go to the destruction's stream, not a VM's. */
export const isUnownedVmJob = (kind: string | null | undefined): boolean =>
  kind === "vm.destroy-unowned" || kind === "vm.adopt";

/**
 * Records the outcome of an unowned VM's destruction job (its `requestId` is the destruction's id): done
 * → `UnownedVmDestroyed` and the row leaves the reconciliation page; failed (MARKER_MISMATCH, TIMED_OUT,
 * …) → `UnownedVmDestroyFailed` and the row is listed as before. Steps are not recorded (the page shows
 * "destroying" until the outcome). Idempotent: a job's outcome is recorded once; fenced by lease epoch.
 */
export async function recordUnownedVmUpdate(
  deps: CommandDeps,
  report: JobReport & { update: ActionUpdate },
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  // an adoption's reports go to the adopted VM's streams
  if (report.jobKind === "vm.adopt") return recordAdoptionUpdate(deps, report);
  const unchanged: JobUpdateRecorded = {
    recorded: false,
    events: [],
    requestStatus: "READY",
    rowsWritten: 0,
  };
  const { update, jobId } = report;
  if (update.kind === "step") return ok(unchanged);
  const streamId = streamIds.unownedVmDestruction(report.requestId);
  return asReportWrite(() =>
    handleCommand<Awaited<ReturnType<typeof readStream>>, JobUpdateRecorded>(deps.store, {
      load: () => readStream(deps.db, streamId),
      decide: (stream) => {
        const first = stream.events[0];
        const last = lastDestruction(stream.events);
        if (!first || !last || first.metadata.tenantId !== report.tenantId)
          return done(err({ code: "REQUEST_NOT_FOUND", requestId: report.requestId }));
        // an older attempt's late outcome, or a repeat: the latest attempt's outcome is recorded once
        if (last.jobId !== jobId || !last.running) return done(ok(unchanged));
        const { attempt: _attempt, running: _running, deadline: _deadline, ...ref } = last;
        const key = { tenantId: report.tenantId, ...ref };
        const event: TenancyEvent =
          update.kind === "action-done"
            ? { type: "UnownedVmDestroyed", data: { ...ref, note: update.result.note } }
            : {
                type: "UnownedVmDestroyFailed",
                data: { ...ref, code: update.failure.code, detail: update.failure.technicalDetail },
              };
        const projection =
          event.type === "UnownedVmDestroyed"
            ? unownedVmDestroyedStatement(deps.db, key)
            : unownedVmDestroyFailedStatement(deps.db, key, jobId);
        const decision = appendTo(
          { streamId, version: stream.version },
          toNewEvents([event], reportContext(report)),
          {
            sideEffects: [projection],
            answer: () => {
              deps.defer(() =>
                deps.feed.publishSite(report.tenantId, { siteId: ref.siteId, at: report.receivedAt }),
              );
              return { ...unchanged, recorded: true, events: [event.type] };
            },
          },
        );
        // the lease epoch is a condition of the write: a holder fenced out since the hub checked is refused
        const guards = [leaseGuard(deps.db, { jobId, epoch: report.epoch })];
        return decision.kind === "commit"
          ? { ...decision, commit: { ...decision.commit, guards } }
          : decision;
      },
      onRefused: () => err({ code: "STALE_LEASE", jobId, epoch: report.epoch }),
    }),
  );
}
