import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { DomainEventType } from "@gantry/shared/events/catalog";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import type { ProvisionedVm, ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { err, ok, type Result } from "@gantry/shared/result";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import type { StreamAppend } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { vmIdFor } from "../provisioning/build-job.ts";
import { decideSaga, type ProvisioningSagaState } from "../provisioning/provisioning-saga.ts";
import type { VmState } from "../provisioning/vm.ts";
import { decideVm, type VmCommand } from "../provisioning/vm-decider.ts";
import { type ExistingVmRequest, evolveVmRequest, type VmRequestState } from "../provisioning/vm-request.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { announceCommitted, createChangeFeed } from "../tenant-feed/change-feed.ts";
import { type CommandContext, toNewEvents } from "./command-context.ts";
import { createWorkflowDeps, type WorkflowDeps } from "./command-deps.ts";
import { createJobDispatcher } from "./hub-dispatcher.ts";
import { afterCommit, type JobStreamCache } from "./job-stream-cache.ts";
import { type LoadedJobStreams, loadVmRequestAndVm } from "./load-aggregates.ts";

export type JobUpdate =
  | { kind: "stage"; stage: ProvisioningStage; at: string }
  | { kind: "succeeded"; vm: ProvisionedVm; at: string }
  | { kind: "failed"; failure: ProvisioningFailure; at: string };

export interface JobUpdateInput {
  tenantId: string;
  requestId: string;
  jobId: string;
  /** the lease epoch the hub fenced the frame with; stored in the events' metadata */
  leaseEpoch: number;
  /** the agent frame's id, stable across re-sends: a repeated frame records nothing new */
  eventId: string;
  /** the reporting agent, recorded as the events' actor */
  agentId?: string;
  update: JobUpdate;
}

export interface JobUpdateRecorded {
  /** false for repeats, stages that go backwards and anything after the run ended */
  recorded: boolean;
  events: DomainEventType[];
  requestStatus: VmRequestStatus;
  rowsWritten: number;
}

/** Plain data for the hub: `retryable` says whether to keep the frame un-acked and try again. */
export interface JobUpdateError {
  code: DomainError["code"] | "STORE_UNAVAILABLE";
  retryable: boolean;
  message: string;
}

const refused = (e: DomainError, retryable = false): Result<never, JobUpdateError> =>
  err({ code: e.code, retryable, message: JSON.stringify(e) });

function vmCommand(input: JobUpdateInput): VmCommand {
  const ref = {
    vmId: vmIdFor(input.requestId),
    requestId: input.requestId,
    jobId: input.jobId,
    at: input.update.at,
  };
  switch (input.update.kind) {
    case "stage":
      return { type: "RecordStage", data: { ...ref, stage: input.update.stage } };
    case "succeeded":
      return { type: "RecordSuccess", data: { ...ref, vm: input.update.vm } };
    case "failed":
      return { type: "RecordFailure", data: { ...ref, failure: input.update.failure } };
  }
}

// the VM's events, then what the saga makes of them for the request: both streams, one batch
interface BothDecided {
  vmEvents: VmEvent[];
  requestEvents: VmRequestEvent[];
  requestStatus: VmRequestStatus;
}

function decideBoth(
  input: JobUpdateInput,
  loaded: { request: ExistingVmRequest; saga: ProvisioningSagaState; vm: VmState },
): Result<BothDecided, DomainError> {
  const vmEvents = decideVm(vmCommand(input), loaded.vm);
  if (!vmEvents.ok) return vmEvents;
  let state: VmRequestState = loaded.request;
  const requestEvents: VmRequestEvent[] = [];
  for (const event of vmEvents.value) {
    const commands = decideSaga({ event, state: loaded.saga });
    if (!commands.ok) return commands;
    for (const command of commands.value) {
      if (command.type === "DispatchProvisioningJob") continue;
      const decided = decideVmRequest(command, state);
      if (!decided.ok) return decided;
      for (const e of decided.value) {
        requestEvents.push(e);
        state = evolveVmRequest(state, e);
      }
    }
  }
  return ok({
    vmEvents: vmEvents.value,
    requestEvents,
    requestStatus: state.status === "NONE" ? loaded.request.status : state.status,
  });
}

type Attempt = { kind: "done"; result: Result<JobUpdateRecorded, JobUpdateError> } | { kind: "again" };

const done = (result: Result<JobUpdateRecorded, JobUpdateError>): Attempt => ({ kind: "done", result });

interface AttemptInput {
  deps: WorkflowDeps;
  input: JobUpdateInput;
  loaded: LoadedJobStreams;
  /** a cached state is trusted only for a clean commit: any other outcome is decided again on a read */
  fromCache: boolean;
  cache: JobStreamCache | undefined;
}

async function attemptRecord({ deps, input, loaded, fromCache, cache }: AttemptInput): Promise<Attempt> {
  const { requestId, jobId } = input;
  const { request, vm } = loaded;
  const settle = (result: Result<JobUpdateRecorded, JobUpdateError>): Attempt =>
    fromCache ? { kind: "again" } : done(result);
  if (request.state.status === "NONE" || request.tenantId !== input.tenantId) {
    return settle(refused({ code: "REQUEST_NOT_FOUND", requestId }));
  }
  if (request.state.jobId !== jobId) return settle(refused({ code: "JOB_MISMATCH", requestId, jobId }));
  const status = request.state.status;
  const unchanged = { recorded: false, events: [], requestStatus: status, rowsWritten: 0 };
  if (vm.eventIds.some((id) => id.startsWith(`${input.eventId}#`))) return settle(ok(unchanged));

  const decided = decideBoth(input, { request: request.state, saga: request.saga, vm: vm.state });
  if (!decided.ok) return settle(refused(decided.error));
  const { vmEvents, requestEvents, requestStatus } = decided.value;
  if (vmEvents.length === 0) return settle(ok(unchanged));

  const ctx: CommandContext = {
    tenantId: input.tenantId,
    actor: { kind: "agent", id: input.agentId ?? "agent" },
    correlationId: jobId,
    causationId: input.eventId,
    occurredAt: input.update.at,
    eventId: (index) => `${input.eventId}#${index}`,
    leaseEpoch: input.leaseEpoch,
  };
  const vmAppend: StreamAppend = {
    streamId: vm.streamId,
    expectedVersion: vm.version,
    events: toNewEvents(vmEvents, ctx),
  };
  const requestAppend: StreamAppend = {
    streamId: request.streamId,
    expectedVersion: request.version,
    events: toNewEvents(requestEvents, ctx, vmEvents.length),
  };
  let committed: Awaited<ReturnType<WorkflowDeps["store"]["commit"]>>;
  try {
    committed = await deps.store.commit({ appends: [vmAppend, requestAppend] });
  } catch (error) {
    if (!(error instanceof EventStoreUnavailableError)) throw error;
    return done(err({ code: "STORE_UNAVAILABLE", retryable: true, message: error.message }));
  }
  // another report for this job landed first: decide again against the fresh streams
  if (!committed.ok) return { kind: "again" };
  const { update } = input;
  if (update.kind === "failed" && update.failure.cleanupFailed && !committed.value.duplicate) {
    // admins see it in the "needs attention" list; operators alert on this line
    logEvent("error", "half-built VM left in vCenter", {
      tenantId: input.tenantId,
      requestId,
      jobId,
      detail: update.failure.technicalDetail.slice(0, 1000),
    });
  }
  // a replayed frame announces again: the feed drops versions it already has
  announceCommitted(deps, {
    tenantId: input.tenantId,
    requestId,
    requesterId: request.state.requester.id,
    append: requestAppend,
  });
  const running = requestStatus !== "READY" && requestStatus !== "FAILED";
  if (cache && running && !committed.value.duplicate) {
    const vmEventIds = vmAppend.events.map((e) => e.eventId);
    cache.put(
      requestId,
      afterCommit(loaded, { vmEvents, requestEvents, vmEventIds, occurredAt: ctx.occurredAt }),
    );
  }
  return done(
    ok({
      recorded: !committed.value.duplicate,
      events: [...vmEvents, ...requestEvents].map((e) => e.type),
      requestStatus,
      rowsWritten: committed.value.rowsWritten,
    }),
  );
}

/**
 * Records what an agent reported about a provisioning job: VM stage transitions and the outcome as
 * events on the VM's stream, and the request's status changes (PROVISIONING, READY, FAILED) on its own,
 * in one batch. Idempotent by `eventId`; the hub calls it for frames already fenced by lease epoch.
 * With a cache (the hub's), a job's next update decides on what its last commit left and skips the read.
 */
export async function recordJobUpdate(
  env: Env,
  input: JobUpdateInput,
  options: { deps?: WorkflowDeps; cache?: JobStreamCache } = {},
): Promise<Result<JobUpdateRecorded, JobUpdateError>> {
  const deps =
    options.deps ??
    createWorkflowDeps({ db: env.DB, dispatcher: createJobDispatcher(env), feed: createChangeFeed(env) });
  const { cache } = options;
  const cached = cache?.take(input.requestId);
  if (cached) {
    const first = await attemptRecord({ deps, input, loaded: cached, fromCache: true, cache });
    if (first.kind === "done") return first.result;
  }
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadVmRequestAndVm(deps.db, input.requestId, vmIdFor(input.requestId));
    const outcome = await attemptRecord({ deps, input, loaded, fromCache: false, cache });
    if (outcome.kind === "done") return outcome.result;
    if (attempt >= 2) {
      return refused({ code: "CONCURRENT_MODIFICATION", streamId: loaded.vm.streamId }, true);
    }
  }
}
