import type { ProvisionedVm } from "@gantry/shared/jobs/provision-vm-job";
import { VsphereFault } from "../vsphere/faults.ts";
import type { MoRef } from "../vsphere/values.ts";
import { readVmState, type VmState } from "../vsphere/vm-state.ts";
import { cloneVm, findOurVm } from "./clone-step.ts";
import { ensureConfigured } from "./configure-step.ts";
import { resolvePlacement } from "./placement.ts";
import { powerOnAndWaitForNetwork } from "./power-step.ts";
import { ensureProjectFolder } from "./project-folder.ts";
import type { ProvisioningRun, RunContext } from "./run-context.ts";

/**
 * One pass over the steps, resuming from what vCenter shows: a VM we already know or find with
 * our marker is adopted; otherwise it is cloned. Throws on any failure; the caller decides on retry.
 */
export async function attemptOnce(run: ProvisioningRun): Promise<ProvisionedVm> {
  const { client, job, ctx, stages, counter, memory } = run;
  stages.reach("CLONING");
  memory.step = "placement";
  const placement = await resolvePlacement(client, job, counter);
  const attempt: RunContext = {
    client,
    vim: client.scope({ signal: ctx.signal, counter }),
    job,
    ctx,
    log: run.log,
    stages,
    counter,
    placement,
    options: run.settings,
  };
  const vm = (await knownVm(attempt, memory.vm)) ?? (await findOrClone(run, attempt));
  stages.reach("CONFIGURING");
  memory.step = "configure";
  await ensureConfigured(attempt, vm);
  memory.step = "power-on";
  const network = await powerOnAndWaitForNetwork(attempt, vm);
  stages.reach("READY");
  return {
    vmwareId: vm.ref.value,
    vmName: job.vmName,
    hostname: job.hostname,
    ipAddress: network.ipAddress,
    ...(network.warning !== undefined && { warning: network.warning }),
  };
}

/** The VM an earlier attempt made or adopted, as it stands now (undefined if there is none any more). */
async function knownVm(attempt: RunContext, vm: MoRef | undefined): Promise<VmState | undefined> {
  return vm === undefined ? undefined : readVmState(attempt.vim, vm);
}

/** In the project folder: our VM of the job's name if an earlier delivery made it, or a new clone. */
async function findOrClone(run: ProvisioningRun, attempt: RunContext): Promise<VmState> {
  const { memory } = run;
  memory.vm = undefined;
  memory.step = "folder";
  const folder = await ensureProjectFolder(run.client, run.job, {
    baseFolder: attempt.placement.baseFolder,
    assertLease: () => run.ctx.assertLease(),
    counter: run.counter,
  });
  memory.folder = folder.ref;
  memory.step = "lookup";
  const existing = folder.created ? undefined : await findOurVm(attempt, folder.ref);
  if (existing !== undefined) {
    memory.vm = existing.ref;
    return existing;
  }
  memory.step = "clone";
  const cloned = await cloneVm(attempt, folder.ref, (task, running) => {
    // an ended retry's task must not hide an earlier clone that still runs
    if (running) memory.cloneTask = task;
    else if (memory.cloneTask?.value === task.value) memory.cloneTask = undefined;
  });
  memory.vm = cloned;
  run.stages.reach("CONFIGURING");
  memory.step = "configure";
  const state = await readVmState(attempt.vim, cloned);
  if (state === undefined) throw vanished(cloned);
  return state;
}

// someone deleted it right after the clone: worth another attempt, which clones again
const vanished = (vm: MoRef) =>
  new VsphereFault({
    name: "VmVanished",
    message: `${vm.value} was gone right after the clone`,
    source: "task",
    retryable: true,
  });
