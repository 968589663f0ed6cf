import type {
  ProvisionedVm,
  ProvisioningFailure,
  ProvisionVmJob,
} from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { JobContext } from "../jobs/job-context.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { isFault } from "../vsphere/faults.ts";
import { createRetryPolicy, delay, type RetryPolicy } from "../vsphere/retry.ts";
import { RoundTripCounter } from "../vsphere/round-trips.ts";
import { findAllowlistViolation, type PlacementAllowlist } from "./allowlist.ts";
import { toFailure } from "./failure/classify.ts";
import { handleFailure } from "./failure/handle-failure.ts";
import { isLeaseLost, ProvisioningStop } from "./failure/provisioning-stop.ts";
import { placementKey } from "./placement.ts";
import { projectFolderPath } from "./project-folder.ts";
import { attemptOnce } from "./provision-attempt.ts";
import { DEFAULT_WAIT_DEADLINES, type ProvisioningRun, type WaitDeadlines } from "./run-context.ts";
import { StageReporter } from "./stage-reporter.ts";

export interface ProvisionOptions {
  /** Path prefixes the agent's config allows; outside them the job fails before touching vCenter. */
  allowlist?: PlacementAllowlist;
  /** Default: 5 attempts, 10 s doubling to at most 120 s. */
  retryPolicy?: RetryPolicy;
  /** Default 2 minutes. */
  networkWaitMs?: number;
  /** LinuxPrep domain. Default "localdomain". */
  domain?: string;
  /** Deadline for powering off and destroying a failed VM. Default 2 minutes. */
  compensationTimeoutMs?: number;
  /** How long each wait on vCenter may take (default: clone 60 min, reconfigure and power-on 10). */
  waits?: Partial<WaitDeadlines>;
  /** Receives this job's SOAP round trips (one is created otherwise; the total is logged). */
  counter?: RoundTripCounter;
}

/**
 * Provision one VM: CLONING → CONFIGURING → POWERING_ON → WAITING_FOR_NETWORK → READY.
 * Idempotent per request: a VM with our marker is adopted and continued from where it stands,
 * so retries (ours, or a re-delivered job) never create a second VM.
 */
export async function provisionVm(
  client: VsphereClient,
  job: ProvisionVmJob,
  ctx: JobContext,
  options: ProvisionOptions = {},
): Promise<Result<ProvisionedVm, ProvisioningFailure>> {
  const started = Date.now();
  const run = beginRun({ client, job, ctx }, options);
  const refusal = checkBeforeVcenter(run, options.allowlist);
  if (refusal !== undefined) return err(refusal);
  const outcome = await attemptUntilDone(run, options.retryPolicy ?? createRetryPolicy());
  if (!outcome.ok) return err(await handleFailure(run, outcome.error.cause, outcome.error.attempts));
  run.log.info("vm ready", {
    vm: outcome.value.vm.vmwareId,
    ip: outcome.value.vm.ipAddress,
    attempts: outcome.value.attempts,
    roundTrips: run.counter.total,
    ms: Date.now() - started,
  });
  return ok(outcome.value.vm);
}

function beginRun(
  input: Pick<ProvisioningRun, "client" | "job" | "ctx">,
  options: ProvisionOptions,
): ProvisioningRun {
  const { job, ctx } = input;
  return {
    ...input,
    log: ctx.log.child({ jobId: job.jobId, requestId: job.requestId, vmName: job.vmName }),
    stages: new StageReporter(ctx),
    counter: options.counter ?? new RoundTripCounter(),
    memory: { vm: undefined, folder: undefined, cloneTask: undefined, step: "checks" },
    settings: {
      domain: options.domain ?? "localdomain",
      networkWaitMs: options.networkWaitMs ?? 120_000,
      cleanupTimeoutMs: options.compensationTimeoutMs ?? 120_000,
      waits: { ...DEFAULT_WAIT_DEADLINES, ...options.waits },
    },
  };
}

/** Refusals that need no vCenter: a placement outside the agent's allowlist, a name vCenter would escape. */
function checkBeforeVcenter(
  run: ProvisioningRun,
  allowlist: PlacementAllowlist | undefined,
): ProvisioningFailure | undefined {
  const { job } = run;
  const violation = findAllowlistViolation(job, allowlist);
  if (violation !== undefined) {
    const stop = new ProvisioningStop({
      code: "PLACEMENT_NOT_ALLOWED",
      userMessage: "This site's agent is not allowed to place VMs there; an admin has been told.",
      detail: `${violation.kind} path ${violation.path} is outside the agent's allowlist`,
    });
    run.log.warn("job placement outside the allowlist", { ...violation });
    return toFailure(stop, { job, attempts: 1, cleanupFailed: false, step: "allowlist" });
  }
  if (/[/\\%]/.test(job.vmName)) {
    const stop = new ProvisioningStop({
      code: "INVALID_SPEC",
      userMessage: "VM names may not contain /, \\ or %.",
      detail: `vmName ${JSON.stringify(job.vmName)} has characters vCenter escapes in entity names`,
    });
    return toFailure(stop, { job, attempts: 1, cleanupFailed: false, step: "checks" });
  }
  return undefined;
}

/** The ready VM, or the error that ended the run after `attempts` attempts. */
type AttemptsOutcome = Result<{ vm: ProvisionedVm; attempts: number }, { cause: unknown; attempts: number }>;

/**
 * Attempts until one succeeds or the retry policy gives up. A placement object deleted behind our
 * cache earns one immediate extra attempt with the paths looked up again.
 */
async function attemptUntilDone(run: ProvisioningRun, policy: RetryPolicy): Promise<AttemptsOutcome> {
  let placementRefreshed = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return ok({ vm: await attemptOnce(run), attempts: attempt });
    } catch (error) {
      if (!placementRefreshed && isStalePlacement(run, error)) {
        placementRefreshed = true;
        forgetPlacement(run, error);
        continue;
      }
      const end = await waitToRetry(run, { error, attempt, policy });
      if (end !== undefined) return err({ cause: end.cause, attempts: attempt });
    }
  }
}

function isStalePlacement(run: ProvisioningRun, error: unknown): error is Error {
  const aborted = run.ctx.signal.aborted || isLeaseLost(error);
  return !aborted && isFault(error, "ManagedObjectNotFound");
}

// a folder or pool deleted behind our cache: look the paths up again once, right away
function forgetPlacement(run: ProvisioningRun, error: Error): void {
  run.client.cache.delete(placementKey(run.job));
  run.client.cache.delete(`folder:${projectFolderPath(run.job)}`);
  run.log.warn("a cached placement object is gone; resolving the paths again", { error: error.message });
}

/**
 * Waits out the policy's delay after a failed attempt and resolves undefined to try again, or resolves
 * what ends the run: the attempt's error when the policy gives up, or the stop that cut the wait short.
 */
async function waitToRetry(
  run: ProvisioningRun,
  failed: { error: unknown; attempt: number; policy: RetryPolicy },
): Promise<{ cause: unknown } | undefined> {
  const { error, attempt } = failed;
  const aborted = run.ctx.signal.aborted || isLeaseLost(error);
  const decision = aborted ? { retry: false, delayMs: 0 } : failed.policy(error, attempt);
  if (!decision.retry) return { cause: error };
  run.log.warn("provisioning attempt failed; retrying", {
    attempt,
    step: run.memory.step,
    delayMs: decision.delayMs,
    error: describe(error),
  });
  try {
    await delay(decision.delayMs, run.ctx.signal);
    return undefined;
  } catch (abortReason) {
    return { cause: abortReason };
  }
}

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
