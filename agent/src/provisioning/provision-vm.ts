import type {
  ProvisionedVm,
  ProvisioningFailure,
  ProvisionVmJob,
} from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { JobContext } from "../jobs/job-context.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { isFault, VsphereFault } from "../vsphere/faults.ts";
import { createRetryPolicy, delay, type RetryPolicy } from "../vsphere/retry.ts";
import { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { MoRef } from "../vsphere/values.ts";
import { readVmState } from "../vsphere/vm-state.ts";
import { findAllowlistViolation, type PlacementAllowlist } from "./allowlist.ts";
import { cloneVm, findOurVm } from "./clone-step.ts";
import { compensate, findLeftoverVm } from "./compensate.ts";
import { ensureConfigured } from "./configure-step.ts";
import { isLeaseLost, ProvisioningStop, toFailure } from "./failures.ts";
import { placementKey, resolvePlacement } from "./placement.ts";
import { powerOnAndWaitForNetwork } from "./power-step.ts";
import { ensureProjectFolder, projectFolderPath } from "./project-folder.ts";
import type { RunContext } from "./run-context.ts";
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

/** Facts that outlive one attempt: the VM once we know it is ours. */
interface RunMemory {
  vm: MoRef | undefined;
  folder: MoRef | undefined;
  step: string;
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
  const memory: RunMemory = { vm: undefined, folder: undefined, step: "checks" };
  const started = Date.now();

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
      const vm = await attemptOnce({ client, job, ctx, log, stages, counter, memory, options });
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

  async function finish(error: unknown, attempts: number): Promise<Result<never, ProvisioningFailure>> {
    let cleanupFailed = false;
    const leaseLost = isLeaseLost(error) || isLeaseLost(ctx.signal.reason);
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

interface AttemptInput {
  client: VsphereClient;
  job: ProvisionVmJob;
  ctx: JobContext;
  log: RunContext["log"];
  stages: StageReporter;
  counter: RoundTripCounter;
  memory: RunMemory;
  options: ProvisionOptions;
}

async function attemptOnce(input: AttemptInput): Promise<ProvisionedVm> {
  const { client, job, ctx, stages, counter, memory } = input;
  stages.reach("CLONING");
  memory.step = "placement";
  const placement = await resolvePlacement(client, job, counter);
  const run: RunContext = {
    client,
    vim: client.scope({ signal: ctx.signal, counter }),
    job,
    ctx,
    log: input.log,
    stages,
    counter,
    placement,
    options: {
      domain: input.options.domain ?? "localdomain",
      networkWaitMs: input.options.networkWaitMs ?? 120_000,
    },
  };

  let state = memory.vm === undefined ? undefined : await readVmState(run.vim, memory.vm);
  if (state === undefined) {
    memory.vm = undefined;
    memory.step = "folder";
    const folder = await ensureProjectFolder(client, job, {
      baseFolder: placement.baseFolder,
      assertLease: () => ctx.assertLease(),
      counter,
    });
    memory.folder = folder.ref;
    memory.step = "lookup";
    const existing = folder.created ? undefined : await findOurVm(run, folder.ref);
    if (existing !== undefined) memory.vm = existing.ref;
    else {
      memory.step = "clone";
      memory.vm = await cloneVm(run, folder.ref);
    }
    stages.reach("CONFIGURING");
    memory.step = "configure";
    state = existing ?? (await readVmState(run.vim, memory.vm));
    if (state === undefined) throw vanished(memory.vm);
  }
  stages.reach("CONFIGURING");
  memory.step = "configure";
  await ensureConfigured(run, state);
  memory.step = "power-on";
  const network = await powerOnAndWaitForNetwork(run, state);
  stages.reach("READY");
  return {
    vmwareId: state.ref.value,
    vmName: job.vmName,
    hostname: job.hostname,
    ipAddress: network.ipAddress,
    ...(network.warning !== undefined && { warning: network.warning }),
  };
}

// someone deleted it right after the clone: worth another attempt, which clones again
const vanished = (vm: MoRef) =>
  new VsphereFault({
    name: "VmVanished",
    message: `${vm.value} was gone right after the clone`,
    source: "task",
    retryable: true,
  });
