import type { VmActionResult } from "@gantry/shared/jobs/vm-action-job";
import { isFault } from "../vsphere/faults.ts";
import { powerOffVmTask } from "../vsphere/methods/power-off-vm-task.ts";
import { powerOnVmTask } from "../vsphere/methods/power-on-vm-task.ts";
import { waitForTask } from "../vsphere/task.ts";
import type { ActionRun } from "./action-run.ts";
import { ourVm } from "./action-run.ts";
import { factsOf, readActionVm } from "./action-vm.ts";
import { guestBack } from "./guest-watch.ts";

/** Runs a power task; a VM already in the state asked for (an earlier delivery did it) is fine. */
async function powerTask(run: ActionRun, start: typeof powerOnVmTask): Promise<void> {
  run.ctx.assertLease();
  try {
    await waitForTask(run.client.waiter, await start(run.vim, run.vm), {
      signal: run.signal,
      counter: run.counter,
    });
  } catch (error) {
    if (!isFault(error, "InvalidPowerState")) throw error;
  }
}

/** What the action leaves: the VM as vCenter shows it now. */
export async function resultNow(run: ActionRun, note: string | null = null): Promise<VmActionResult> {
  const vm = await readActionVm(run.vim, run.vm);
  return { facts: vm ? factsOf(vm) : null, snapshot: null, note };
}

/** Hard power off (PowerOffVM_Task). */
export async function powerOff(run: ActionRun): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (vm.powerState !== "poweredOff") {
    run.reach("POWERING_OFF");
    await powerTask(run, powerOffVmTask);
  }
  return resultNow(run);
}

/** Power on (PowerOnVM_Task), then wait a while for the guest to report tools and an address. */
export async function powerOn(run: ActionRun): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (vm.powerState !== "poweredOn") {
    run.reach("POWERING_ON");
    await powerTask(run, powerOnVmTask);
  }
  if (!(vm.toolsRunning && vm.ipAddress !== null)) await guestBack(run);
  return resultNow(run);
}
