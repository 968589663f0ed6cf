import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";

/** ManagedEntity.Destroy_Task: deletes a (powered-off) VM and its files. Mutating; returns the task. */
export async function destroyTask(vim: Vim, entity: MoRef): Promise<MoRef> {
  return returnedRef(await vim.invoke("Destroy_Task", entity, []), "Destroy_Task");
}
