import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { DomainEventType } from "@gantry/shared/events/catalog";
import type { ReachedStage, VmEvent } from "@gantry/shared/events/vm";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Committed } from "../event-store/append-to-stream.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import type { StreamAppend } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import type { VmState } from "../provisioning/vm.ts";
import { decideVm } from "../provisioning/vm-decider.ts";
import { leaseAtReady } from "../provisioning/vm-lease-decider.ts";
import { type ExistingVmRequest, withVmEvents } from "../provisioning/vm-request.ts";
import { effectiveLeasePolicy } from "../tenancy/lease-policies.ts";
import { announceCommitted } from "../tenant-feed/change-feed.ts";
import { type CommandContext, toNewEvents } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { type Decision, done, handleCommand } from "./handle-command.ts";
import { afterCommit, type JobStreamCache } from "./job-stream-cache.ts";
import { leaseGuard } from "./lease-fence.ts";
import { type LoadedJobStreams, loadVmRequestAndVm } from "./load-aggregates.ts";

export interface JobUpdateRecorded {
  /** false for repeats, stages that go backwards and anything after the run ended */
  recorded: boolean;
  events: DomainEventType[];
  requestStatus: VmRequestStatus;
  rowsWritten: number;
  /** a stage after the first, for the hub to hold until the outcome carries it (nothing written to D1) */
  stageReached?: ReachedStage;
}

/** Plain data for the hub: `retryable` says whether to keep the frame un-acked and try again. */
export interface JobUpdateError {
  code: DomainError["code"] | "STORE_UNAVAILABLE";
  retryable: boolean;
  message: string;
}

// the VM's events, and the status they leave the request in (it folds its VM's start and outcome)
interface Decided {
  vmEvents: VmEvent[];
  /** a stage after the first: the hub holds it, no event is written */
  reached: ReachedStage | null;
  requestStatus: VmRequestStatus;
}

function decideReportEvents(
  report: ProvisioningReport,
  loaded: { request: ExistingVmRequest; vm: VmState },
): Result<Decided, DomainError> {
  const vm = decideVm(report, loaded.vm);
  if (!vm.ok) return vm;
  const state = withVmEvents(loaded.request, vm.value.events);
  return ok({
    vmEvents: vm.value.events,
    reached: vm.value.reached,
    requestStatus: state.status === "NONE" ? loaded.request.status : state.status,
  });
}

/**
 * The events of a report carry the agent as actor and the frame's id, numbered per event; they
 * happened when the hub received them (edge time), the agent's own time is kept beside it.
 */
export const reportContext = (report: JobReport): CommandContext => ({
  tenantId: report.tenantId,
  actor: { kind: "agent", id: report.agentId },
  correlationId: report.jobId,
  causationId: report.eventId,
  occurredAt: report.receivedAt,
  eventId: (index) => `${report.eventId}#${index}`,
  leaseEpoch: report.epoch,
  agentAt: report.update.at,
});

/** A report of a provisioning job (a VM action's goes to recordVmActionUpdate). */
type ProvisioningReport = JobReport & { update: ProvisioningUpdate };

interface RecordInput {
  deps: CommandDeps;
  report: ProvisioningReport;
  cache: JobStreamCache | undefined;
}

/**
 * The VM's lease starts with READY, carried by the VmProvisioned event itself: the project's lease policy is
 * read only for the report that makes the VM READY.
 */
export async function withLease(
  deps: CommandDeps,
  input: { tenantId: string; projectId: string; readyAt: string; vmEvents: VmEvent[] },
): Promise<VmEvent[]> {
  if (!input.vmEvents.some((e) => e.type === "VmProvisioned")) return input.vmEvents;
  const { policy } = await effectiveLeasePolicy(deps.db, input);
  return input.vmEvents.map((e) => {
    if (e.type !== "VmProvisioned") return e;
    return {
      ...e,
      data: { ...e.data, lease: leaseAtReady({ vmId: e.data.vmId, readyAt: input.readyAt, policy }) },
    };
  });
}

/** What one report means for the request and its VM, decided on the streams as loaded. */
async function decideReport(
  input: RecordInput,
  loaded: LoadedJobStreams,
): Promise<Decision<JobUpdateRecorded>> {
  const { report } = input;
  const { requestId, jobId } = report;
  const { request, vm } = loaded;
  if (request.state.status === "NONE" || request.tenantId !== report.tenantId) {
    return done(err({ code: "REQUEST_NOT_FOUND", requestId }));
  }
  if (request.state.jobId !== jobId) return done(err({ code: "JOB_MISMATCH", requestId, jobId }));
  const unchanged = {
    recorded: false,
    events: [],
    requestStatus: request.state.status,
    rowsWritten: 0,
  };
  if (vm.eventIds.some((id) => id.startsWith(`${report.eventId}#`))) return done(ok(unchanged));

  const decided = decideReportEvents(report, { request: request.state, vm: vm.state });
  if (!decided.ok) return done(decided);
  const { reached } = decided.value;
  if (reached) {
    // the hub holds it: the streams are as they were, so the job's next report decides on them unread
    input.cache?.put(requestId, loaded);
    return done(ok({ ...unchanged, recorded: true, stageReached: reached }));
  }
  if (decided.value.vmEvents.length === 0) return done(ok(unchanged));
  const vmEvents = await withLease(input.deps, {
    tenantId: report.tenantId,
    projectId: request.state.projectId,
    readyAt: report.receivedAt,
    vmEvents: decided.value.vmEvents,
  });

  const ctx = reportContext(report);
  const vmAppend: StreamAppend = {
    streamId: vm.streamId,
    expectedVersion: vm.version,
    events: toNewEvents(vmEvents, ctx),
  };
  const requesterId = request.state.requester.id;
  return {
    kind: "commit",
    // the lease epoch is a condition of the write: a holder fenced out since the hub checked is refused
    commit: {
      appends: [vmAppend],
      guards: [leaseGuard(input.deps.db, { jobId, epoch: report.epoch })],
    },
    answer: (committed) =>
      afterRecorded(input, {
        loaded,
        decided: { ...decided.value, vmEvents },
        vmAppend,
        requesterId,
        committed,
      }),
  };
}

/** Tells whoever must know about a committed report, and keeps the job's streams for its next one. */
function afterRecorded(
  input: RecordInput,
  outcome: {
    loaded: LoadedJobStreams;
    decided: Decided;
    vmAppend: StreamAppend;
    requesterId: string;
    committed: Committed;
  },
): JobUpdateRecorded {
  const { deps, report, cache } = input;
  const { loaded, decided, vmAppend, committed } = outcome;
  const { update, requestId } = report;
  const fresh = !committed.duplicate;
  if (update.kind === "failed" && update.failure.cleanupFailed && fresh) {
    // admins see it in the "needs attention" list; operators alert on this line
    logEvent("error", "half-built VM left in vCenter", {
      tenantId: report.tenantId,
      requestId,
      jobId: report.jobId,
      detail: update.failure.technicalDetail.slice(0, 1000),
    });
  }
  // a replayed report announces again: the feed drops versions it already has. The request's change
  // is counted over both its streams, so it follows the approval's on the request's own
  const announced = { tenantId: report.tenantId, requestId, requesterId: outcome.requesterId };
  announceCommitted(deps, { ...announced, append: vmAppend, otherStreamVersion: loaded.request.version });
  const { vmEvents, requestStatus } = decided;
  const running = requestStatus !== "READY" && requestStatus !== "FAILED";
  if (cache && running && fresh) {
    const vmEventIds = vmAppend.events.map((e) => e.eventId);
    const occurredAt = report.receivedAt;
    cache.put(requestId, afterCommit(loaded, { vmEvents, vmEventIds, occurredAt }));
  }
  return {
    recorded: fresh,
    events: vmEvents.map((e) => e.type),
    requestStatus,
    rowsWritten: committed.rowsWritten,
  };
}

/**
 * `STALE_LEASE`: the report's epoch is below the job's fence in D1 (a newer holder exists); nothing
 * was written and a resend under the same epoch cannot change that.
 */
const asUpdateError = (error: DomainError): JobUpdateError => ({
  code: error.code,
  // another report of the job kept landing first: the agent resends, and the next try decides afresh
  retryable: error.code === "CONCURRENT_MODIFICATION",
  message: JSON.stringify(error),
});

/** A report's write as the hub wants its answer: recorded, or an error saying whether a resend may help. */
export async function asReportWrite(
  write: () => Promise<Result<JobUpdateRecorded, DomainError>>,
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  try {
    const recorded = await write();
    return recorded.ok ? recorded : err(asUpdateError(recorded.error));
  } catch (error) {
    if (!(error instanceof EventStoreUnavailableError)) throw error;
    return err({ code: "STORE_UNAVAILABLE", retryable: true, message: error.message });
  }
}

/**
 * Records what an agent reported about a provisioning job: VM stage transitions and the outcome as
 * events on the VM's stream, which move the request on too (PROVISIONING, READY, FAILED: it folds them). Idempotent by the report's `eventId`; the hub calls it for reports already fenced by
 * lease epoch. With a cache (the hub's), a job's next report decides on what its last commit left and
 * skips the read.
 */
export async function recordJobUpdate(
  deps: CommandDeps,
  report: ProvisioningReport,
  options: { cache?: JobStreamCache } = {},
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  const input: RecordInput = { deps, report, cache: options.cache };
  try {
    const hint = options.cache?.take(report.requestId);
    // a stage the hub will hold writes nothing, so nothing can conflict: the cached streams decide it alone
    if (hint && report.update.kind === "stage") {
      const decision = await decideReport(input, hint);
      if (decision.kind === "done" && decision.result.ok && decision.result.value.stageReached)
        return decision.result;
    }
    const recorded = await handleCommand(deps.store, {
      hint,
      load: () => loadVmRequestAndVm(deps.db, report.requestId, vmIdFor(report.requestId)),
      decide: (loaded) => decideReport(input, loaded),
      // a newer lease was granted while this report was on its way: it must never land
      onRefused: () => err({ code: "STALE_LEASE", jobId: report.jobId, epoch: report.epoch }),
    });
    return recorded.ok ? recorded : err(asUpdateError(recorded.error));
  } catch (error) {
    if (!(error instanceof EventStoreUnavailableError)) throw error;
    return err({ code: "STORE_UNAVAILABLE", retryable: true, message: error.message });
  }
}
