import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";

/** VirtualMachine.ResetVM_Task: a hard reset (power off and on at once). Mutating; returns the task. */
export async function resetVmTask(vim: Vim, vm: MoRef): Promise<MoRef> {
  return returnedRef(await vim.invoke("ResetVM_Task", vm, []), "ResetVM_Task");
}
