import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import type { ActionUpdate, JobReport } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import { readStream } from "../event-store/read-stream.ts";
import { type StreamAppend, streamIds } from "../event-store/stored-event.ts";
import {
  unownedVmAdoptFailedStatement,
  unownedVmDestroyedStatement,
} from "../projections/reconciliation-projection.ts";
import { toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { leaseGuard } from "./lease-fence.ts";
import { type LoadedJobStreams, loadVmRequestAndVm } from "./load-aggregates.ts";
import {
  asReportWrite,
  type JobUpdateError,
  type JobUpdateRecorded,
  reportContext,
  withLease,
} from "./record-job-update.ts";

const ADOPTION_FAILED_MESSAGE =
  "Gantry could not adopt this VM (its marker changed since the scan, or vCenter did not answer): nothing was changed. Scan again to see it as it is.";

/**
 * Records the outcome of a `vm.adopt` job (its `requestId` is the adopted VM's id). Done → the VM's stream
 * begins as a READY VM (`VmProvisioningStarted`, `VmProvisioned` with no stages, its lease from the project's
 * policy), which makes the request READY too: My VMs, the VM page, actions and leases treat it like any VM,
 * and the unowned row leaves the page. Failed → `VmAdoptionFailed` (the VM is FAILED, never owned without its
 * marker) and the row is listed again. Steps are not recorded. Once per job; fenced by lease epoch.
 */
export async function recordAdoptionUpdate(
  deps: CommandDeps,
  report: JobReport & { update: ActionUpdate },
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  const { update, jobId, requestId } = report;
  const unchanged = (status: JobUpdateRecorded["requestStatus"]): JobUpdateRecorded => ({
    recorded: false,
    events: [],
    requestStatus: status,
    rowsWritten: 0,
  });
  return asReportWrite(() =>
    handleCommand<LoadedJobStreams, JobUpdateRecorded>(deps.store, {
      load: () => loadVmRequestAndVm(deps.db, requestId, requestId),
      decide: async ({ request, vm }) => {
        const state = request.state;
        if (state.status === "NONE" || request.tenantId !== report.tenantId)
          return done(err({ code: "REQUEST_NOT_FOUND", requestId }));
        if (state.jobId !== jobId) return done(err({ code: "JOB_MISMATCH", requestId, jobId }));
        // a step, or an outcome already recorded
        if (update.kind === "step" || state.status !== "PROVISIONING")
          return done(ok(unchanged(state.status)));
        const adopted = await adoptedFacts(deps, requestId);
        if (!adopted) return done(err({ code: "REQUEST_NOT_FOUND", requestId }));
        const key = {
          tenantId: report.tenantId,
          siteId: adopted.siteId,
          vmwareId: adopted.vmwareId,
          markerRequestId: adopted.oldMarker,
        };
        const ctx = reportContext(report);
        let vmEvents: VmEvent[] = [];
        let requestEvents: VmRequestEvent[] = [];
        let projection: D1PreparedStatement;
        if (update.kind === "action-done") {
          const facts = update.result.facts;
          const vmName = facts?.name ?? adopted.name;
          const ipAddress = facts?.ipAddress ?? adopted.ipAddress;
          // what READY says of it: as vCenter showed it after the rewrite
          const ready = {
            vmId: requestId,
            vmwareId: adopted.vmwareId,
            vmName,
            hostname: vmName,
            ipAddress,
            warning: null,
          };
          vmEvents = await withLease(deps, {
            tenantId: report.tenantId,
            projectId: state.projectId,
            readyAt: report.receivedAt,
            vmEvents: [
              { type: "VmProvisioningStarted", data: { vmId: requestId, requestId, jobId } },
              { type: "VmProvisioned", data: { ...ready, stageDurations: [] } },
            ],
          });
          projection = unownedVmDestroyedStatement(deps.db, key);
        } else {
          requestEvents = [
            {
              type: "VmAdoptionFailed",
              data: {
                requestId,
                jobId,
                code: update.failure.code,
                userMessage: ADOPTION_FAILED_MESSAGE,
                detail: update.failure.technicalDetail,
              },
            },
          ];
          projection = unownedVmAdoptFailedStatement(deps.db, key, jobId);
        }
        // the VM's stream on success, the request's on failure: one append either way
        const appends: StreamAppend[] =
          vmEvents.length > 0
            ? [{ streamId: vm.streamId, expectedVersion: vm.version, events: toNewEvents(vmEvents, ctx) }]
            : [
                {
                  streamId: request.streamId,
                  expectedVersion: request.version,
                  events: toNewEvents(requestEvents, ctx),
                },
              ];
        const types = [...vmEvents, ...requestEvents].map((e) => e.type);
        return {
          kind: "commit",
          // the lease epoch is a condition of the write: a holder fenced out since the hub checked is refused
          commit: {
            appends,
            sideEffects: [projection],
            guards: [leaseGuard(deps.db, { jobId, epoch: report.epoch })],
          },
          answer: (committed) => {
            deps.defer(() =>
              deps.feed.publishSite(report.tenantId, { siteId: adopted.siteId, at: report.receivedAt }),
            );
            return {
              recorded: !committed.duplicate,
              events: types,
              requestStatus: update.kind === "action-done" ? "READY" : "FAILED",
              rowsWritten: committed.rowsWritten,
            };
          },
        };
      },
      onRefused: () => err({ code: "STALE_LEASE", jobId, epoch: report.epoch }),
    }),
  );
}

/** What the adoption recorded (site, moref, old marker, observed name and address): its stream's first event. */
// one more read of the request stream, on an adoption's outcome only (once per adoption)
async function adoptedFacts(deps: CommandDeps, requestId: string) {
  const { events } = await readStream(deps.db, streamIds.vmRequest(requestId));
  const first = events[0]?.event;
  return first?.type === "VmAdopted" ? first.data : null;
}
