import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { MoRef } from "../../vsphere/values.ts";
import type { ProvisioningRun } from "../run-context.ts";
import { settleAbandonedClone } from "./abandoned-clone.ts";
import { toFailure } from "./classify.ts";
import { findLeftoverVm, removeHalfBuiltVm } from "./cleanup.ts";
import { isLeaseLost, ProvisioningStop } from "./provisioning-stop.ts";

/**
 * What happens when a run fails, after its last attempt: clean up what it built in vCenter (unless the
 * lease is gone: then another delivery owns the VM and adopts it), classify the error into the failure
 * the edge records and the user reads, and log it. Cleanup runs on its own deadline, never the job's.
 */
export async function handleFailure(
  run: ProvisioningRun,
  error: unknown,
  attempts: number,
): Promise<ProvisioningFailure> {
  const leaseLost = isLeaseLost(error) || isLeaseLost(run.ctx.signal.reason);
  const cleanupFailed = leaseLost ? false : !(await removeWhatWasBuilt(run, error));
  const failure = toFailure(error, {
    job: run.job,
    attempts,
    cleanupFailed,
    step: run.memory.step,
    vm: run.memory.vm?.value,
    cancelled: run.ctx.signal.aborted && !leaseLost,
  });
  run.log.error("provisioning failed", {
    code: failure.code,
    detail: failure.technicalDetail,
    roundTrips: run.counter.total,
  });
  return failure;
}

/** Finds the run's VM, wherever it stands, and removes it; true when nothing of ours is left. */
async function removeWhatWasBuilt(run: ProvisioningRun, error: unknown): Promise<boolean> {
  const { memory } = run;
  try {
    memory.vm ??= (await vmOfAbandonedClone(run)) ?? (await leftoverVm(run, error));
  } catch (lookup) {
    // vCenter could not be asked (its login refused, unreachable) while a clone may have made a VM: not
    // "nothing left", which would leave that VM without an owner, but a leftover for an admin to check
    run.log.error("could not look for a leftover VM; an admin must check vCenter", { error: String(lookup) });
    return false;
  }
  return memory.vm === undefined ? true : removeHalfBuiltVm(run, memory.vm);
}

/**
 * Stopped while vCenter clones: the VM appears when the task ends, so wait for that before cleaning up
 * (not when the agent may no longer change vCenter: the next delivery adopts the clone instead).
 */
async function vmOfAbandonedClone(run: ProvisioningRun): Promise<MoRef | undefined> {
  const task = run.memory.cloneTask;
  return task !== undefined && mayStillMutate(run) ? settleAbandonedClone(run, task) : undefined;
}

/** A clone that failed or was abandoned after it created the VM: find it by name and marker. */
async function leftoverVm(run: ProvisioningRun, error: unknown): Promise<MoRef | undefined> {
  const folder = run.memory.folder;
  // a stop by our own checks (a foreign VM holds the name, a path is missing) made no VM to look for
  if (folder === undefined || error instanceof ProvisioningStop) return undefined;
  return findLeftoverVm(run, folder);
}

/** false once the run may no longer change vCenter (lease gone, agent shutting down) */
function mayStillMutate(run: ProvisioningRun): boolean {
  try {
    run.ctx.assertLease();
    return true;
  } catch {
    return false;
  }
}
