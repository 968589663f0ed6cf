import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";

/** VirtualMachineSnapshot.RevertToSnapshot_Task: the VM returns to the snapshot's state. Mutating. */
export async function revertToSnapshotTask(vim: Vim, snapshot: MoRef): Promise<MoRef> {
  return returnedRef(await vim.invoke("RevertToSnapshot_Task", snapshot, []), "RevertToSnapshot_Task");
}
