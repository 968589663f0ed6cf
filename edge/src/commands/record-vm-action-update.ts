import type { ActionUpdate, JobReport } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import { decideActionReport } from "../provisioning/vm-report-decider.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { leaseGuard } from "./lease-fence.ts";
import {
  asReportWrite,
  type JobUpdateError,
  type JobUpdateRecorded,
  reportContext,
} from "./record-job-update.ts";
import { type LoadedManagedVm, loadManagedVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

/**
 * Records what an agent reported about a VM action's job (a step, the outcome) on the VM's stream, and
 * tells the VM's open pages. Idempotent by the report's `eventId`; the hub calls it for reports already
 * fenced by lease epoch, and the D1 lease fence refuses (`STALE_LEASE`) one a newer grant overtook. A
 * report about an action that no longer runs is acknowledged and dropped.
 */
export async function recordVmActionUpdate(
  deps: CommandDeps,
  report: JobReport & { update: ActionUpdate },
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  const { requestId: vmId, jobId, update } = report;
  const unchanged: JobUpdateRecorded = {
    recorded: false,
    events: [],
    requestStatus: "READY",
    rowsWritten: 0,
  };
  return asReportWrite(() =>
    handleCommand<LoadedManagedVm, JobUpdateRecorded>(deps.store, {
      load: () => loadManagedVm(deps.db, vmId),
      decide: (loaded) => {
        const { vm } = loaded;
        if (!vm || loaded.tenantId !== report.tenantId) return done(err({ code: "VM_NOT_FOUND", vmId }));
        if (loaded.streams.vm.eventIds.some((id) => id.startsWith(`${report.eventId}#`)))
          return done(ok(unchanged));
        const decided = decideActionReport({ jobId, update }, vm);
        if (!decided.ok) return done(decided);
        const events = decided.value;
        return appendToVm(deps, {
          loaded,
          vmId,
          ownerId: vm.ownerId,
          events,
          ctx: reportContext(report),
          // the lease epoch is a condition of the write: a holder fenced out since the hub checked is refused
          guards: [leaseGuard(deps.db, { jobId, epoch: report.epoch })],
          answer: () => ({ ...unchanged, recorded: events.length > 0, events: events.map((e) => e.type) }),
        });
      },
      // a newer lease was granted while this report was on its way: it must never land
      onRefused: () => err({ code: "STALE_LEASE", jobId, epoch: report.epoch }),
    }),
  );
}
