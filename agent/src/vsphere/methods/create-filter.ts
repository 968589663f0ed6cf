import { type FilterSpec, filterSpecNode } from "../property-spec.ts";
import type { MoRef } from "../values.ts";
import { type InvokeOptions, returnedRef, type Vim } from "../vim.ts";
import { el } from "../xml-write.ts";

/** PropertyCollector.CreateFilter on a private collector; updates then arrive via WaitForUpdatesEx. */
export async function createFilter(
  vim: Vim,
  collector: MoRef,
  spec: FilterSpec,
  options?: InvokeOptions,
): Promise<MoRef> {
  const res = await vim.invoke(
    "CreateFilter",
    collector,
    [filterSpecNode("spec", spec), el("partialUpdates", false)],
    options,
  );
  return returnedRef(res, "CreateFilter");
}
