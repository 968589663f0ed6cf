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
import { settleAbandonedClone } from "./abandoned-clone.ts";
import { findAllowlistViolation, type PlacementAllowlist } from "./allowlist.ts";
import { compensate, findLeftoverVm } from "./compensate.ts";
import { isLeaseLost, ProvisioningStop, toFailure } from "./failures.ts";
import { placementKey } from "./placement.ts";
import { projectFolderPath } from "./project-folder.ts";
import { attemptOnce, type RunMemory } from "./provision-attempt.ts";
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
  /** Receives this job's SOAP round trips (one is created otherwise; the total is logged). */
  counter?: RoundTripCounter;
}

const invalidName = (job: ProvisionVmJob) =>
  new ProvisioningStop({
    code: "INVALID_SPEC",
    userMessage: "VM names may not contain /, \\ or %.",
    detail: `vmName ${JSON.stringify(job.vmName)} has characters vCenter escapes in entity names`,
  });

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
  const log = ctx.log.child({ jobId: job.jobId, requestId: job.requestId, vmName: job.vmName });
  const counter = options.counter ?? new RoundTripCounter();
  const policy = options.retryPolicy ?? createRetryPolicy();
  const stages = new StageReporter(ctx);
  const memory: RunMemory = { vm: undefined, folder: undefined, cloneTask: undefined, step: "checks" };
  const started = Date.now();
  const settings = {
    domain: options.domain ?? "localdomain",
    networkWaitMs: options.networkWaitMs ?? 120_000,
  };

  const violation = findAllowlistViolation(job, options.allowlist);
  if (violation !== undefined) {
    const stop = new ProvisioningStop({
      code: "PLACEMENT_NOT_ALLOWED",
      userMessage: "This site's agent is not allowed to place VMs there; an admin has been told.",
      detail: `${violation.kind} path ${violation.path} is outside the agent's allowlist`,
    });
    log.warn("job placement outside the allowlist", { ...violation });
    return err(toFailure(stop, { job, attempts: 1, cleanupFailed: false, step: "allowlist" }));
  }
  if (/[/\\%]/.test(job.vmName))
    return err(toFailure(invalidName(job), { job, attempts: 1, cleanupFailed: false, step: "checks" }));

  let refreshedPlacement = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const vm = await attemptOnce({ client, job, ctx, log, stages, counter, memory, settings });
      log.info("vm ready", {
        vm: vm.vmwareId,
        ip: vm.ipAddress,
        attempts: attempt,
        roundTrips: counter.total,
        ms: Date.now() - started,
      });
      return ok(vm);
    } catch (error) {
      const aborted = ctx.signal.aborted || isLeaseLost(error);
      // a folder or pool deleted behind our cache: look the paths up again once, right away
      if (!aborted && isFault(error, "ManagedObjectNotFound") && !refreshedPlacement) {
        refreshedPlacement = true;
        client.cache.delete(placementKey(job));
        client.cache.delete(`folder:${projectFolderPath(job)}`);
        log.warn("a cached placement object is gone; resolving the paths again", { error: error.message });
        continue;
      }
      const decision = aborted ? { retry: false, delayMs: 0 } : policy(error, attempt);
      if (decision.retry) {
        log.warn("provisioning attempt failed; retrying", {
          attempt,
          step: memory.step,
          delayMs: decision.delayMs,
          error: describe(error),
        });
        try {
          await delay(decision.delayMs, ctx.signal);
          continue;
        } catch (abortReason) {
          return finish(abortReason, attempt);
        }
      }
      return finish(error, attempt);
    }
  }

  // false once the run may no longer change vCenter (lease gone, agent shutting down)
  function mayStillMutate(): boolean {
    try {
      ctx.assertLease();
      return true;
    } catch {
      return false;
    }
  }

  async function finish(error: unknown, attempts: number): Promise<Result<never, ProvisioningFailure>> {
    let cleanupFailed = false;
    const leaseLost = isLeaseLost(error) || isLeaseLost(ctx.signal.reason);
    // stopped while vCenter clones: the VM appears when the task ends, so wait for that before cleaning up
    // (not when the lease is gone or the agent shuts down: the next delivery adopts the clone instead)
    if (memory.vm === undefined && memory.cloneTask !== undefined && !leaseLost && mayStillMutate()) {
      memory.vm = await settleAbandonedClone(client, memory.cloneTask, {
        log,
        counter,
        timeoutMs: options.compensationTimeoutMs ?? 120_000,
      });
    }
    // a clone that failed or was abandoned after it created the VM: find it by name and marker
    if (
      memory.vm === undefined &&
      memory.folder !== undefined &&
      !leaseLost &&
      !(error instanceof ProvisioningStop)
    ) {
      memory.vm = await findLeftoverVm({ client, job, log, counter, folder: memory.folder });
    }
    // with the lease gone another delivery owns the VM now: leave it for that one to adopt
    if (memory.vm !== undefined && !leaseLost) {
      cleanupFailed = !(await compensate({
        client,
        job,
        ctx,
        log,
        vm: memory.vm,
        counter,
        timeoutMs: options.compensationTimeoutMs ?? 120_000,
      }));
    }
    const failure = toFailure(error, {
      job,
      attempts,
      cleanupFailed,
      step: memory.step,
      vm: memory.vm?.value,
      cancelled: ctx.signal.aborted && !leaseLost,
    });
    log.error("provisioning failed", {
      code: failure.code,
      detail: failure.technicalDetail,
      roundTrips: counter.total,
    });
    return err(failure);
  }
}

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
