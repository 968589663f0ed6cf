import type { DeviceChange } from "../devices.ts";
import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import {
  configSpecNode,
  customizationNode,
  type LinuxCustomization,
  type VmConfigSpec,
} from "../vm-config-spec.ts";
import { el, ref } from "../xml-write.ts";

export interface CloneVmSpec {
  readonly folder: MoRef;
  readonly name: string;
  /** A template has no pool of its own, so the pool is required. */
  readonly pool: MoRef;
  readonly datastore?: MoRef | undefined;
  /** NIC backing changes belong in the relocate spec. */
  readonly locationDeviceChange?: readonly DeviceChange[] | undefined;
  readonly config?: VmConfigSpec | undefined;
  readonly customization?: LinuxCustomization | undefined;
  readonly powerOn: boolean;
}

/** VirtualMachine.CloneVM_Task from `source`. Mutating; returns the task (its result is the new VM). */
export async function cloneVmTask(vim: Vim, source: MoRef, spec: CloneVmSpec): Promise<MoRef> {
  const res = await vim.invoke("CloneVM_Task", source, [
    ref("folder", spec.folder),
    el("name", spec.name),
    el("spec", [
      el("location", [
        spec.datastore && ref("datastore", spec.datastore),
        ref("pool", spec.pool),
        ...(spec.locationDeviceChange ?? []).map((d) => d.node),
      ]),
      el("template", false),
      spec.config && configSpecNode("config", spec.config),
      spec.customization && customizationNode(spec.customization),
      el("powerOn", spec.powerOn),
    ]),
  ]);
  return returnedRef(res, "CloneVM_Task");
}
