import type { VmActionResult } from "@gantry/shared/jobs/vm-action-job";
import { isFault } from "../vsphere/faults.ts";
import { destroyTask } from "../vsphere/methods/destroy-task.ts";
import { powerOffVmTask } from "../vsphere/methods/power-off-vm-task.ts";
import { waitForTask } from "../vsphere/task.ts";
import { type ActionRun, ourVm } from "./action-run.ts";
import { ActionStop } from "./action-stop.ts";

/**
 * Power off, then destroy: only a VM carrying our marker for the job's request, read again right
 * before the destroy (a VM without it is never touched). A VM already gone is done: a re-run after
 * the destroy went through finds nothing, which is what was asked.
 */
export async function deleteVm(run: ActionRun): Promise<VmActionResult> {
  const gone: VmActionResult = { facts: null, snapshot: null, note: "it was already gone from vCenter" };
  const vm = await ourVmIfAny(run);
  if (!vm) return gone;
  if (vm.powerState !== "poweredOff") {
    run.reach("POWERING_OFF");
    run.ctx.assertLease();
    try {
      await waitForTask(run.client.waiter, await powerOffVmTask(run.vim, run.vm), {
        signal: run.signal,
        counter: run.counter,
      });
    } catch (error) {
      if (!isFault(error, "InvalidPowerState")) throw error;
    }
  }
  run.reach("DESTROYING");
  // the marker once more, as late as possible: a VM that lost it since is left alone
  if (!(await ourVmIfAny(run))) return gone;
  run.ctx.assertLease();
  try {
    await waitForTask(run.client.waiter, await destroyTask(run.vim, run.vm), {
      signal: run.signal,
      counter: run.counter,
    });
  } catch (error) {
    if (!isFault(error, "ManagedObjectNotFound")) throw error;
  }
  run.log.info("vm deleted", { vm: run.vm.value, name: vm.name });
  return { facts: null, snapshot: null, note: null };
}

/** Our VM, or undefined when vCenter no longer has it; a VM that is not ours still stops the action. */
async function ourVmIfAny(run: ActionRun) {
  try {
    return await ourVm(run);
  } catch (error) {
    if (error instanceof ActionStop && error.code === "VM_NOT_FOUND") return undefined;
    throw error;
  }
}
