import type { MoRef } from "../values.ts";
import { returnedRef, type Vim } from "../vim.ts";
import { el, ref } from "../xml-write.ts";

/** ViewManager.CreateContainerView: a view of every object of `types` under `container`. */
export async function createContainerView(
  vim: Vim,
  view: { container: MoRef; types: readonly string[]; recursive: boolean },
): Promise<MoRef> {
  const { viewManager } = await vim.serviceContent();
  const res = await vim.invoke("CreateContainerView", viewManager, [
    ref("container", view.container),
    ...view.types.map((t) => el("type", t)),
    el("recursive", view.recursive),
  ]);
  return returnedRef(res, "CreateContainerView");
}
