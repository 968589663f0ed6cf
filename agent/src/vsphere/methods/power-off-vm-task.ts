import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";

/** VirtualMachine.PowerOffVM_Task (hard power off). Mutating; returns the task. */
export async function powerOffVmTask(vim: Vim, vm: MoRef): Promise<MoRef> {
  return returnedRef(await vim.invoke("PowerOffVM_Task", vm, []), "PowerOffVM_Task");
}
