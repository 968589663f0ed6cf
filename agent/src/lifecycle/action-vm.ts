import type { VmFacts } from "@gantry/shared/domain/vm-facts";
import { isFault } from "../vsphere/faults.ts";
import { retrievePropertiesEx } from "../vsphere/methods/retrieve-properties-ex.ts";
import type { MoRef } from "../vsphere/values.ts";
import type { Vim } from "../vsphere/vim.ts";
import { VM_PATHS, type VmState, vmStateFrom } from "../vsphere/vm-state.ts";
import { type SnapshotNode, snapshotsOf } from "./snapshot-tree.ts";

/** Everything an action reads about its VM, in one round trip. */
const ACTION_PATHS = [
  ...VM_PATHS,
  "config.cpuHotAddEnabled",
  "config.cpuHotRemoveEnabled",
  "config.memoryHotAddEnabled",
  "snapshot",
] as const;

export interface ActionVm extends VmState {
  readonly cpuHotAdd: boolean;
  readonly cpuHotRemove: boolean;
  readonly memoryHotAdd: boolean;
  readonly snapshots: readonly SnapshotNode[];
}

const KB_PER_GB = 1024 * 1024;

/** A VM as an action needs it, or undefined when vCenter has no such VM (any more). */
export async function readActionVm(vim: Vim, vm: MoRef): Promise<ActionVm | undefined> {
  try {
    const [props] = await retrievePropertiesEx(vim, [
      { propSet: [{ type: "VirtualMachine", paths: ACTION_PATHS }], objectSet: [{ obj: vm }] },
    ]);
    if (props === undefined) return undefined;
    const get = (path: string) => props.raw.get(path);
    return {
      ...vmStateFrom(vm, get),
      cpuHotAdd: props.text("config.cpuHotAddEnabled") === "true",
      cpuHotRemove: props.text("config.cpuHotRemoveEnabled") === "true",
      memoryHotAdd: props.text("config.memoryHotAddEnabled") === "true",
      snapshots: snapshotsOf(get("snapshot")),
    };
  } catch (err) {
    if (isFault(err, "ManagedObjectNotFound")) return undefined;
    throw err;
  }
}

/** The facts Gantry tracks of a VM: the boot disk in whole GB. */
export function factsOf(vm: VmState): VmFacts {
  const disk = vm.hardware.disks[0];
  return {
    name: vm.name,
    powerState: vm.powerState,
    cpu: vm.numCpu ?? 0,
    memoryMb: vm.memoryMb ?? 0,
    diskGb: disk === undefined ? 0 : Math.floor(disk.capacityKb / KB_PER_GB),
    ipAddress: vm.ipAddress,
    hostname: vm.hostname,
  };
}
