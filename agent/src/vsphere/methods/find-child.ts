import type { MoRef } from "../values.ts";
import { optionalRef, type Vim } from "../vim.ts";
import { el, ref } from "../xml-write.ts";

/**
 * SearchIndex.FindChild: the direct child of `parent` with this name, or undefined.
 * `name` is matched as vCenter stores it (`/` `%` `\` escaped, see `escapeEntityName`).
 */
export async function findChild(vim: Vim, parent: MoRef, name: string): Promise<MoRef | undefined> {
  const { searchIndex } = await vim.serviceContent();
  const res = await vim.invoke("FindChild", searchIndex, [ref("entity", parent), el("name", name)]);
  return optionalRef(res);
}
