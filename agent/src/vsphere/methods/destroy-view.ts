import type { MoRef } from "../values.ts";
import type { Vim } from "../vim.ts";

/** View.DestroyView: views hold server memory until destroyed or the session ends. */
export async function destroyView(vim: Vim, view: MoRef): Promise<void> {
  await vim.invoke("DestroyView", view, []);
}
