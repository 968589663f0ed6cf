import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { isFault, VsphereFault } from "../vsphere/faults.ts";
import { cloneVmTask } from "../vsphere/methods/clone-vm-task.ts";
import { findChild } from "../vsphere/methods/find-child.ts";
import { resultRef, waitForTask } from "../vsphere/task.ts";
import { type MoRef, MoRefSchema } from "../vsphere/values.ts";
import { readVmState, type VmState } from "../vsphere/vm-state.ts";
import { cloneSpecFor } from "./clone-spec.ts";
import { ProvisioningStop } from "./failure/provisioning-stop.ts";
import type { RunContext } from "./run-context.ts";
import { carriesMarker } from "./vm-marker.ts";

const conflict = (job: ProvisionVmJob, vm: MoRef) =>
  new ProvisioningStop({
    code: "NAME_CONFLICT",
    userMessage: `A VM named ${job.vmName} already exists in vCenter and was not created by this request; choose another name.`,
    detail: `${vm.value} in the project folder has the name but not our marker (gantry.requestId=${job.requestId}); left untouched`,
  });

/** Our VM of that name in `folder` (adopt it), nothing, or a NAME_CONFLICT for a foreign one. */
export async function findOurVm(run: RunContext, folder: MoRef, known?: MoRef): Promise<VmState | undefined> {
  const vm = known ?? (await findChild(run.vim, folder, run.job.vmName));
  if (vm === undefined) return undefined;
  const state = await readVmState(run.vim, vm);
  if (state === undefined) return undefined;
  if (!carriesMarker(state, run.job)) throw conflict(run.job, vm);
  run.log.info("adopting the VM an earlier delivery of this request created", { vm: vm.value });
  return state;
}

/**
 * Clone the template into `folder` and wait for the task, forwarding its percent. A DuplicateName
 * means the name got taken since we looked: ours (an earlier delivery's clone) is adopted,
 * a foreign one is a NAME_CONFLICT, and a name still being created is retried later.
 */
export async function cloneVm(
  run: RunContext,
  folder: MoRef,
  /** told of the clone task when it starts (running) and when vCenter says it ended (not running) */
  track: (task: MoRef, running: boolean) => void = () => {},
): Promise<MoRef> {
  const { job, placement } = run;
  const spec = cloneSpecFor(job, placement, folder, { domain: run.options.domain });
  run.ctx.assertLease();
  try {
    // the call itself is not cut short by a stop: vCenter may start the clone anyway, and only the
    // task id it answers with lets the stop wait for that clone and remove its VM (per-call timeouts
    // still apply)
    const task = await cloneVmTask(run.client.scope({ counter: run.counter }), placement.template, spec);
    run.log.info("clone started", { task: task.value });
    track(task, true);
    run.ctx.signal.throwIfAborted();
    const result = await waitForTask(run.client.waiter, task, {
      signal: run.ctx.signal,
      counter: run.counter,
      onProgress: (p) => run.stages.percent("CLONING", p),
      deadline: { ms: run.options.waits.cloneMs, what: `the clone (${task.value})` },
      // a clone takes long enough for the poll in flight to bring its state: no read up front under load
      patientStart: true,
    }).catch((err: unknown) => {
      // the task's own failure ended it; anything else (a stop, a dropped call, our deadline) left it
      // running, and the failure path waits for it before cleaning up
      if (err instanceof VsphereFault && err.source === "task" && !isFault(err, "WaitTimeout"))
        track(task, false);
      throw err;
    });
    track(task, false);
    const vm = resultRef(result);
    if (vm === undefined) throw new Error(`CloneVM_Task ${task.value} succeeded without a VM`);
    return vm;
  } catch (err) {
    if (!isFault(err, "DuplicateName")) throw err;
    // vCenter names the VM holding the name; vcsim's launcher names the folder instead
    const holder = MoRefSchema.safeParse(err.fields.object);
    const known = holder.success && holder.data.type === "VirtualMachine" ? holder.data : undefined;
    const ours = await findOurVm(run, folder, known);
    if (ours !== undefined) return ours.ref;
    throw new VsphereFault({
      name: "TaskInProgress",
      message: `${job.vmName} is being created by another task; will look again`,
      source: "task",
      cause: err,
    });
  }
}
