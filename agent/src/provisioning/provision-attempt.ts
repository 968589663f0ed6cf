import type { ProvisionedVm, ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { JobContext } from "../jobs/job-context.ts";
import type { Logger } from "../log.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { VsphereFault } from "../vsphere/faults.ts";
import type { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { MoRef } from "../vsphere/values.ts";
import { readVmState } from "../vsphere/vm-state.ts";
import { cloneVm, findOurVm } from "./clone-step.ts";
import { ensureConfigured } from "./configure-step.ts";
import { resolvePlacement } from "./placement.ts";
import { powerOnAndWaitForNetwork } from "./power-step.ts";
import { ensureProjectFolder } from "./project-folder.ts";
import type { RunContext, RunSettings } from "./run-context.ts";
import type { StageReporter } from "./stage-reporter.ts";

/** Facts that outlive one attempt: the VM once we know it is ours, its folder, the current step. */
export interface RunMemory {
  vm: MoRef | undefined;
  folder: MoRef | undefined;
  /** the clone task while it runs: a stop mid-clone waits for it, or the VM would appear after cleanup */
  cloneTask: MoRef | undefined;
  step: string;
}

export interface AttemptInput {
  client: VsphereClient;
  job: ProvisionVmJob;
  ctx: JobContext;
  log: Logger;
  stages: StageReporter;
  counter: RoundTripCounter;
  memory: RunMemory;
  settings: RunSettings;
}

/**
 * One pass over the steps, resuming from what vCenter shows: a VM we already know or find with
 * our marker is adopted; otherwise it is cloned. Throws on any failure; the caller decides on retry.
 */
export async function attemptOnce(input: AttemptInput): Promise<ProvisionedVm> {
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
    options: input.settings,
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
      memory.vm = await cloneVm(run, folder.ref, (task, running) => {
        // an ended retry's task must not hide an earlier clone that still runs
        if (running) memory.cloneTask = task;
        else if (memory.cloneTask?.value === task.value) memory.cloneTask = undefined;
      });
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
