import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import { configSpecNode, type VmConfigSpec } from "../vm-config-spec.ts";

/** VirtualMachine.ReconfigVM_Task. Mutating; returns the task. */
export async function reconfigVmTask(vim: Vim, vm: MoRef, spec: VmConfigSpec): Promise<MoRef> {
  return returnedRef(
    await vim.invoke("ReconfigVM_Task", vm, [configSpecNode("spec", spec)]),
    "ReconfigVM_Task",
  );
}
