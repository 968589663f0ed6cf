import {
  expectedMarkerOf,
  type StepDetail,
  type VmActionFailure,
  type VmActionJob,
  type VmActionResult,
  type VmActionStep,
} from "@gantry/shared/jobs/vm-action-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { JobContext } from "../jobs/job-context.ts";
import type { Logger } from "../log.ts";
import { isLeaseLost } from "../provisioning/failure/provisioning-stop.ts";
import { MARKER_REQUEST_ID } from "../provisioning/vm-marker.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { createRetryPolicy, delay, type RetryPolicy } from "../vsphere/retry.ts";
import { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { MoRef } from "../vsphere/values.ts";
import type { Vim } from "../vsphere/vim.ts";
import { ActionDeadline, ActionStop } from "./action-stop.ts";
import { type ActionVm, readActionVm } from "./action-vm.ts";
import { toActionFailure } from "./classify-action-failure.ts";

export interface ActionOptions {
  /** Default: 5 attempts, 10 s doubling to at most 120 s (the agent's configured policy). */
  retryPolicy?: RetryPolicy;
  /** How long a guest gets to come back (tools and an address) after a power on or a restart. Default 2 min. */
  guestWaitMs?: number;
}

/** One run of one action's job: what its steps share. */
export interface ActionRun<TJob extends VmActionJob = VmActionJob> {
  readonly client: VsphereClient;
  readonly job: TJob;
  readonly ctx: JobContext;
  readonly log: Logger;
  readonly counter: RoundTripCounter;
  /** aborted on cancel, on a lost lease, and at the job's deadline */
  readonly signal: AbortSignal;
  /** calls bound to that signal and the counter */
  readonly vim: Vim;
  readonly vm: MoRef;
  readonly options: Required<ActionOptions>;
  /** the step it is at, for the failure's detail */
  step: string;
  /** reports a step to the edge (durable) and remembers it */
  reach(step: VmActionStep, detail?: StepDetail): void;
}

/** A step's body: done, with what it left in vCenter. */
export type ActionBody<TJob extends VmActionJob> = (run: ActionRun<TJob>) => Promise<VmActionResult>;

/**
 * The VM, if it is the one this job may touch: it exists and carries our marker naming the job's
 * request (or, for reconciliation's jobs on unowned VMs, the marker value the scan saw). Anything else is never touched (MARKER_MISMATCH), whatever the action.
 */
export async function ourVm(run: ActionRun): Promise<ActionVm> {
  const vm = await readActionVm(run.vim, run.vm);
  if (vm === undefined)
    throw new ActionStop({
      code: "VM_NOT_FOUND",
      userMessage: "The VM no longer exists in vCenter.",
      detail: `no VM ${run.vm.value} in vCenter`,
    });
  const marker = vm.extraConfig.get(MARKER_REQUEST_ID);
  const expected = expectedMarkerOf(run.job);
  if (marker !== expected) {
    run.log.error("not touching a VM without our marker for this request", { vm: run.vm.value, marker });
    throw new ActionStop({
      code: "MARKER_MISMATCH",
      userMessage: "",
      detail: `${run.vm.value} (${vm.name}) carries ${MARKER_REQUEST_ID}=${marker ?? "(none)"}, not ${expected}; left untouched`,
    });
  }
  return vm;
}

/** Aborts at the job's deadline; a deadline already past aborts at once. */
function deadlineSignal(deadline: string): AbortSignal {
  const ms = Date.parse(deadline) - Date.now();
  const controller = new AbortController();
  const reason = new ActionDeadline(`the job's deadline ${deadline} passed`);
  if (!(ms > 0)) controller.abort(reason);
  else setTimeout(() => controller.abort(reason), Math.min(ms, 2_147_483_647)).unref();
  return controller.signal;
}

/**
 * Runs one action's body to its end: retried by fault class (the body is idempotent: each re-run
 * starts from what vCenter shows now), bounded by the job's deadline, and ended as a value. A lost
 * lease is rethrown: another delivery owns the job now, and this one reports nothing.
 */
export async function runVmAction<TJob extends VmActionJob>(
  client: VsphereClient,
  input: { job: TJob; ctx: JobContext; options: ActionOptions },
  body: ActionBody<TJob>,
): Promise<Result<VmActionResult, VmActionFailure>> {
  const { job, ctx } = input;
  const counter = new RoundTripCounter();
  const signal = AbortSignal.any([ctx.signal, deadlineSignal(job.deadline)]);
  const log = ctx.log.child({ jobId: job.jobId, vm: job.vmwareId, kind: job.kind });
  const run: ActionRun<TJob> = {
    client,
    job,
    ctx,
    log,
    counter,
    signal,
    vim: client.scope({ signal, counter }),
    vm: { type: "VirtualMachine", value: job.vmwareId },
    options: {
      retryPolicy: input.options.retryPolicy ?? createRetryPolicy(),
      guestWaitMs: input.options.guestWaitMs ?? 120_000,
    },
    step: "read",
    reach(step, detail) {
      this.step = step;
      ctx.reportStep(step, detail);
    },
  };
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await body(run);
      log.info("vm action done", { attempts: attempt, roundTrips: counter.total, ms: Date.now() - started });
      return ok(result);
    } catch (error) {
      if (isLeaseLost(error) || isLeaseLost(ctx.signal.reason))
        throw isLeaseLost(error) ? error : ctx.signal.reason;
      // stopped by the edge (or the agent shutting down), or out of time: whatever it surfaced as
      const stopped = ctx.signal.aborted ? cancelled() : signal.aborted ? signal.reason : null;
      const decision = stopped ? { retry: false, delayMs: 0 } : run.options.retryPolicy(error, attempt);
      if (decision.retry) {
        log.warn("vm action attempt failed; retrying", {
          attempt,
          step: run.step,
          delayMs: decision.delayMs,
          error: String(error),
        });
        try {
          await delay(decision.delayMs, signal);
          continue;
        } catch (abortReason) {
          return err(failed(run, abortReason, attempt));
        }
      }
      return err(failed(run, stopped ?? error, attempt));
    }
  }
}

const cancelled = () =>
  new ActionStop({ code: "CANCELLED", userMessage: "", detail: "the job was stopped before it finished" });

function failed(run: ActionRun, error: unknown, attempts: number): VmActionFailure {
  const failure = toActionFailure(error, { attempts, step: run.step, vm: run.vm.value });
  run.log.error("vm action failed", {
    code: failure.code,
    detail: failure.technicalDetail,
    roundTrips: run.counter.total,
  });
  return failure;
}
