import { isFault } from "../../vsphere/faults.ts";
import { destroyTask } from "../../vsphere/methods/destroy-task.ts";
import { findChild } from "../../vsphere/methods/find-child.ts";
import { powerOffVmTask } from "../../vsphere/methods/power-off-vm-task.ts";
import { waitForTask } from "../../vsphere/task.ts";
import type { MoRef } from "../../vsphere/values.ts";
import { readVmState } from "../../vsphere/vm-state.ts";
import type { ProvisioningRun } from "../run-context.ts";
import { carriesMarker } from "../vm-marker.ts";

/**
 * Power off and destroy a half-built VM of ours. Runs on its own deadline, not the job's signal
 * (which may be what failed). Re-reads the marker first: a VM without it is never touched.
 * Returns true when the VM is gone (or was never there), false when it could not be removed.
 */
export async function removeHalfBuiltVm(run: ProvisioningRun, vm: MoRef): Promise<boolean> {
  const { client, job, ctx, log, counter } = run;
  const signal = AbortSignal.timeout(run.settings.cleanupTimeoutMs);
  const vim = client.scope({ signal, counter });
  try {
    const state = await readVmState(vim, vm);
    if (state === undefined) return true;
    if (!carriesMarker(state, job)) {
      log.error("not removing a VM that lacks our marker", { vm: vm.value, name: state.name });
      return false;
    }
    if (state.powerState !== "poweredOff") {
      ctx.assertLease();
      try {
        await waitForTask(client.waiter, await powerOffVmTask(vim, vm), { signal, counter });
      } catch (err) {
        if (!isFault(err, "InvalidPowerState")) throw err;
      }
    }
    ctx.assertLease();
    await waitForTask(client.waiter, await destroyTask(vim, vm), { signal, counter });
    log.info("removed the half-built VM", { vm: vm.value });
    return true;
  } catch (err) {
    if (isFault(err, "ManagedObjectNotFound")) return true;
    log.error("CLEANUP FAILED: a half-built VM is left in vCenter and needs an admin", {
      vm: vm.value,
      vmName: job.vmName,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    return false;
  }
}

/**
 * Our VM of the job's name in `folder`, looked up on a fresh deadline; undefined if there is none.
 * @throws when vCenter could not be asked (no session, unreachable): then nobody knows whether one stands
 */
export async function findLeftoverVm(run: ProvisioningRun, folder: MoRef): Promise<MoRef | undefined> {
  const vim = run.client.scope({ signal: AbortSignal.timeout(30_000), counter: run.counter });
  const vm = await findChild(vim, folder, run.job.vmName);
  const state = vm === undefined ? undefined : await readVmState(vim, vm);
  return state !== undefined && carriesMarker(state, run.job) ? state.ref : undefined;
}
