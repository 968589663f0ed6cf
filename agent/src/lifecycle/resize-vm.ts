import type { VmActionResult, VmResizeJob } from "@gantry/shared/jobs/vm-action-job";
import { growDisk } from "../vsphere/devices.ts";
import { isFault } from "../vsphere/faults.ts";
import { powerOnVmTask } from "../vsphere/methods/power-on-vm-task.ts";
import { reconfigVmTask } from "../vsphere/methods/reconfig-vm-task.ts";
import { waitForTask } from "../vsphere/task.ts";
import { type ActionRun, ourVm } from "./action-run.ts";
import { ActionStop } from "./action-stop.ts";
import type { ActionVm } from "./action-vm.ts";
import { stopGuest } from "./guest-power.ts";
import { resultNow } from "./power.ts";

const KB_PER_GB = 1024 * 1024;

/** Why the running VM cannot take this change without a power cycle; empty when it can. */
export function hotChangeBlockers(vm: ActionVm, job: Pick<VmResizeJob, "cpu" | "memoryMb">): string[] {
  const blockers: string[] = [];
  const cpu = vm.numCpu ?? 0;
  const memory = vm.memoryMb ?? 0;
  if (job.cpu > cpu && !vm.cpuHotAdd) blockers.push("CPU hot-add is off for this VM");
  if (job.cpu < cpu && !vm.cpuHotRemove) blockers.push("CPU hot-remove is off for this VM");
  if (job.memoryMb > memory && !vm.memoryHotAdd) blockers.push("memory hot-add is off for this VM");
  if (job.memoryMb < memory) blockers.push("memory cannot be taken away from a running VM");
  return blockers;
}

async function powerOn(run: ActionRun): Promise<void> {
  run.reach("POWERING_ON");
  run.ctx.assertLease();
  try {
    await waitForTask(run.client.waiter, await powerOnVmTask(run.vim, run.vm), {
      signal: run.signal,
      counter: run.counter,
    });
  } catch (error) {
    if (!isFault(error, "InvalidPowerState")) throw error;
  }
}

/**
 * CPU and memory to the job's, the boot disk grown to its size (never shrunk). A running VM that cannot
 * take the change hot is shut down (gracefully, falling back to a power off), reconfigured and powered
 * on again, but only with the owner's consent; without it the action is refused, naming why. If the
 * reconfigure fails after the shutdown, the VM is powered on again (compensation) before failing.
 * A re-run finds what vCenter shows and goes on from there; the power state to restore is the one the
 * edge knew when the command was given.
 */
export async function resizeVm(run: ActionRun<VmResizeJob>): Promise<VmActionResult> {
  const { job } = run;
  const vm = await ourVm(run);
  const disk = vm.hardware.disks[0];
  const wantKb = job.diskGb * KB_PER_GB;
  if (disk !== undefined && disk.capacityKb > wantKb)
    throw new ActionStop({
      code: "DISK_SHRINK_REFUSED",
      userMessage: `A disk can only grow: the VM's disk has ${Math.floor(disk.capacityKb / KB_PER_GB)} GB, the new size ${job.diskGb} GB.`,
      detail: `disk ${disk.key} has ${disk.capacityKb} KB > ${wantKb} KB`,
    });
  const growBy = disk !== undefined && disk.capacityKb < wantKb ? [growDisk(disk, wantKb)] : [];
  const changes = vm.numCpu !== job.cpu || vm.memoryMb !== job.memoryMb || growBy.length > 0;
  const restore = job.powerStateBefore === "poweredOn";
  let stopped = false;
  if (changes) {
    const blockers = vm.powerState === "poweredOn" ? hotChangeBlockers(vm, job) : [];
    if (blockers.length > 0) {
      if (!job.powerCycle)
        throw new ActionStop({
          code: "POWER_CYCLE_REQUIRED",
          userMessage: `The VM is running and ${blockers.join("; ")}: resizing needs a power cycle. Ask again and agree to it.`,
          detail: blockers.join("; "),
        });
      await stopGuest(run, job.timeoutSeconds);
      stopped = true;
    }
    run.reach("RECONFIGURING");
    run.ctx.assertLease();
    try {
      const task = await reconfigVmTask(run.vim, run.vm, {
        numCPUs: job.cpu,
        memoryMB: job.memoryMb,
        deviceChange: growBy,
      });
      await waitForTask(run.client.waiter, task, { signal: run.signal, counter: run.counter });
    } catch (error) {
      if (stopped && restore)
        await powerOn(run).catch((e: unknown) =>
          run.log.error("could not power the VM on again", { error: String(e) }),
        );
      throw error;
    }
  }
  // powered off for the change (now, or by a run before this one): back on as it was
  const now = await ourVm(run);
  if (restore && now.powerState !== "poweredOn") await powerOn(run);
  return resultNow(run, stopped ? "shut down and powered on again to apply the change" : null);
}
