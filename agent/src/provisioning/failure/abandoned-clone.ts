import type { VsphereClient } from "../../vsphere/client.ts";
import { retrievePropertiesEx } from "../../vsphere/methods/retrieve-properties-ex.ts";
import type { RoundTripCounter } from "../../vsphere/round-trips.ts";
import { resultRef, TASK_PATHS, taskSnapshot, waitForTask } from "../../vsphere/task.ts";
import type { MoRef } from "../../vsphere/values.ts";
import { WatchState } from "../../vsphere/watch-state.ts";
import type { ProvisioningRun } from "../run-context.ts";

/**
 * Waits, on its own deadline (the job's signal may be what ended the run), for a clone task the run
 * stopped waiting for, and returns the VM it made, if any: vCenter finishes a clone whether or not
 * anyone still listens, so cleaning up before it ends would leave its VM behind.
 */
export async function settleAbandonedClone(run: ProvisioningRun, task: MoRef): Promise<MoRef | undefined> {
  const { client, log, counter } = run;
  const signal = AbortSignal.timeout(run.settings.cleanupTimeoutMs);
  try {
    // read it once first: a task that already ended raises no update a new watch could wait for
    const now = await readTask(client, task, { signal, counter });
    const result =
      now.state === "success" || now.state === "error"
        ? now.result
        : await waitForTask(client.waiter, task, { signal, counter });
    const vm = resultRef(result);
    if (vm !== undefined)
      log.info("the abandoned clone finished; removing its VM", { task: task.value, vm: vm.value });
    return vm;
  } catch (error) {
    // it failed (nothing made) or outlived the deadline: the lookup by name and marker comes next
    log.warn("the abandoned clone ended without a VM", { task: task.value, error: String(error) });
    return undefined;
  }
}

async function readTask(
  client: VsphereClient,
  task: MoRef,
  options: { signal: AbortSignal; counter: RoundTripCounter },
) {
  const objects = await retrievePropertiesEx(client.scope(options), [
    { propSet: [{ type: "Task", paths: TASK_PATHS }], objectSet: [{ obj: task }] },
  ]);
  const state = new WatchState();
  state.applyRetrieved(objects);
  return taskSnapshot(state, task);
}
