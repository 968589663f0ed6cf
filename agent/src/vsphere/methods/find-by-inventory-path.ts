import type { MoRef } from "../values.ts";
import { optionalRef, type Vim } from "../vim.ts";
import { el } from "../xml-write.ts";

/** SearchIndex.FindByInventoryPath: the entity at `/DC0/vm/folder/name`, or undefined when none. */
export async function findByInventoryPath(vim: Vim, inventoryPath: string): Promise<MoRef | undefined> {
  const { searchIndex } = await vim.serviceContent();
  const res = await vim.invoke("FindByInventoryPath", searchIndex, [el("inventoryPath", inventoryPath)]);
  return optionalRef(res);
}
