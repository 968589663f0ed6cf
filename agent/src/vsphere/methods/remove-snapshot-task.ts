import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import { el } from "../xml-write.ts";

/**
 * VirtualMachineSnapshot.RemoveSnapshot_Task, keeping its children and consolidating the disks (the
 * state it captured merges into what follows it). Mutating.
 */
export async function removeSnapshotTask(vim: Vim, snapshot: MoRef): Promise<MoRef> {
  const body = [el("removeChildren", false), el("consolidate", true)];
  return returnedRef(await vim.invoke("RemoveSnapshot_Task", snapshot, body), "RemoveSnapshot_Task");
}
