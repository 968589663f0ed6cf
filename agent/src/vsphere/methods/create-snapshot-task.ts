import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import { el } from "../xml-write.ts";

/**
 * VirtualMachine.CreateSnapshot_Task (name, description, memory, quiesce in schema order). The task's
 * result is the snapshot. Mutating.
 */
export async function createSnapshotTask(
  vim: Vim,
  vm: MoRef,
  snapshot: { name: string; description: string; memory: boolean },
): Promise<MoRef> {
  const body = [
    el("name", snapshot.name),
    el("description", snapshot.description),
    el("memory", snapshot.memory),
    el("quiesce", false),
  ];
  return returnedRef(await vim.invoke("CreateSnapshot_Task", vm, body), "CreateSnapshot_Task");
}
