import { connectNic, growDisk, nicMatches } from "../vsphere/devices.ts";
import { reconfigVmTask } from "../vsphere/methods/reconfig-vm-task.ts";
import { waitForTask } from "../vsphere/task.ts";
import type { VmConfigSpec } from "../vsphere/vm-config-spec.ts";
import type { VmState } from "../vsphere/vm-state.ts";
import type { RunContext } from "./run-context.ts";

const KB_PER_GB = 1024 * 1024;

/** What differs between the VM and the job, as a reconfigure spec (empty when all is in place). */
export function configDrift(run: RunContext, vm: VmState): { spec: VmConfigSpec; fields: string[] } {
  const { job } = run;
  const fields: string[] = [];
  const disk = vm.hardware.disks[0];
  const nic = vm.hardware.nics[0];
  const wantKb = job.diskGb * KB_PER_GB;
  const diskEdit = disk !== undefined && disk.capacityKb < wantKb ? [growDisk(disk, wantKb)] : [];
  const nicEdit =
    nic !== undefined && !nicMatches(nic, run.placement.network)
      ? [connectNic(nic, run.placement.network)]
      : [];
  if (vm.numCpu !== job.cpu) fields.push("cpu");
  if (vm.memoryMb !== job.memoryMb) fields.push("memory");
  if (diskEdit.length > 0) fields.push("disk");
  if (nicEdit.length > 0) fields.push("network");
  return {
    spec: {
      numCPUs: vm.numCpu !== job.cpu ? job.cpu : undefined,
      memoryMB: vm.memoryMb !== job.memoryMb ? job.memoryMb : undefined,
      deviceChange: [...diskEdit, ...nicEdit],
    },
    fields,
  };
}

/**
 * CONFIGURING: the clone spec already carried the configuration; check it landed and fix what
 * did not with one ReconfigVM_Task (only possible while the VM is off).
 */
export async function ensureConfigured(run: RunContext, vm: VmState): Promise<void> {
  const { spec, fields } = configDrift(run, vm);
  if (fields.length === 0) return;
  if (vm.powerState !== "poweredOff") {
    run.log.warn("vm configuration differs but it is already running; left as is", {
      vm: vm.ref.value,
      fields,
    });
    return;
  }
  run.log.warn("vcenter did not apply the clone's configuration; reconfiguring", {
    vm: vm.ref.value,
    fields,
  });
  run.ctx.assertLease();
  const task = await reconfigVmTask(run.vim, vm.ref, spec);
  await waitForTask(run.client.waiter, task, {
    signal: run.ctx.signal,
    counter: run.counter,
    deadline: { ms: run.options.waits.reconfigureMs, what: `the reconfiguration (${task.value})` },
  });
}
