import type {
  VmActionResult,
  VmSnapshotCreateJob,
  VmSnapshotDeleteJob,
  VmSnapshotRevertJob,
} from "@gantry/shared/jobs/vm-action-job";
import { isFault } from "../vsphere/faults.ts";
import { createSnapshotTask } from "../vsphere/methods/create-snapshot-task.ts";
import { removeSnapshotTask } from "../vsphere/methods/remove-snapshot-task.ts";
import { revertToSnapshotTask } from "../vsphere/methods/revert-to-snapshot-task.ts";
import { resultRef, waitForTask } from "../vsphere/task.ts";
import type { MoRef } from "../vsphere/values.ts";
import { type ActionRun, ourVm } from "./action-run.ts";
import { ActionStop } from "./action-stop.ts";
import { factsOf, readActionVm } from "./action-vm.ts";
import { snapshotInfo } from "./snapshot-tree.ts";

const snapshotRef = (snapshotId: string): MoRef => ({ type: "VirtualMachineSnapshot", value: snapshotId });

/** The description that ties a snapshot to the job that made it: a re-run adopts it instead of making another. */
const descriptionFor = (jobId: string) => `Created by Gantry (${jobId})`;

/** Takes a snapshot (with the guest's memory if asked and the VM runs); a re-run finds the one it made. */
export async function createSnapshot(run: ActionRun<VmSnapshotCreateJob>): Promise<VmActionResult> {
  const { job } = run;
  const vm = await ourVm(run);
  const description = descriptionFor(job.jobId);
  let made = vm.snapshots.find((s) => s.description === description);
  if (!made) {
    run.reach("CREATING_SNAPSHOT");
    run.ctx.assertLease();
    const memory = job.withMemory && vm.powerState === "poweredOn";
    const task = await createSnapshotTask(run.vim, run.vm, { name: job.name, description, memory });
    const snapshot = resultRef(
      await waitForTask(run.client.waiter, task, { signal: run.signal, counter: run.counter }),
    );
    const after = await readActionVm(run.vim, run.vm);
    made = after?.snapshots.find((s) => s.snapshotId === snapshot?.value || s.description === description);
    if (!after || !made)
      throw new Error(`snapshot ${snapshot?.value ?? "(none)"} is not in the VM's snapshot tree`);
    return { facts: factsOf(after), snapshot: snapshotInfo(made), note: null };
  }
  run.log.info("adopting the snapshot an earlier run of this job made", { snapshot: made.snapshotId });
  return { facts: factsOf(vm), snapshot: snapshotInfo(made), note: null };
}

const notFound = (run: ActionRun, snapshotId: string) =>
  new ActionStop({
    code: "SNAPSHOT_NOT_FOUND",
    userMessage: "vCenter no longer has this snapshot.",
    detail: `${run.vm.value} has no snapshot ${snapshotId}`,
  });

/** Reverts the VM to one of its snapshots (its power state too: off unless the snapshot kept memory). */
export async function revertSnapshot(run: ActionRun<VmSnapshotRevertJob>): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (!vm.snapshots.some((s) => s.snapshotId === run.job.snapshotId)) throw notFound(run, run.job.snapshotId);
  run.reach("REVERTING_SNAPSHOT");
  run.ctx.assertLease();
  const task = await revertToSnapshotTask(run.vim, snapshotRef(run.job.snapshotId));
  await waitForTask(run.client.waiter, task, { signal: run.signal, counter: run.counter });
  const after = await readActionVm(run.vim, run.vm);
  return { facts: after ? factsOf(after) : null, snapshot: null, note: null };
}

/** Deletes a snapshot, its state merged into what follows; one already gone is done. */
export async function deleteSnapshot(run: ActionRun<VmSnapshotDeleteJob>): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (vm.snapshots.some((s) => s.snapshotId === run.job.snapshotId)) {
    run.reach("DELETING_SNAPSHOT");
    run.ctx.assertLease();
    try {
      const task = await removeSnapshotTask(run.vim, snapshotRef(run.job.snapshotId));
      await waitForTask(run.client.waiter, task, { signal: run.signal, counter: run.counter });
    } catch (error) {
      if (!isFault(error, "ManagedObjectNotFound")) throw error;
    }
  }
  const after = await readActionVm(run.vim, run.vm);
  return { facts: after ? factsOf(after) : null, snapshot: null, note: null };
}
