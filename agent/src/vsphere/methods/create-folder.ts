import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import { el } from "../xml-write.ts";

/** Folder.CreateFolder: a child folder; `DuplicateName` when one of that name exists. Mutating. */
export async function createFolder(vim: Vim, parent: MoRef, name: string): Promise<MoRef> {
  const res = await vim.invoke("CreateFolder", parent, [el("name", name)]);
  return returnedRef(res, "CreateFolder");
}
