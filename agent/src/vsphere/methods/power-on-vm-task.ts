import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";

/** VirtualMachine.PowerOnVM_Task; applies a pending guest customization. Mutating; returns the task. */
export async function powerOnVmTask(vim: Vim, vm: MoRef): Promise<MoRef> {
  return returnedRef(await vim.invoke("PowerOnVM_Task", vm, []), "PowerOnVM_Task");
}
