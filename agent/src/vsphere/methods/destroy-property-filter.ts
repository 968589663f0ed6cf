import type { MoRef } from "../values.ts";
import type { InvokeOptions, Vim } from "../vim.ts";

/** PropertyFilter.DestroyPropertyFilter: stop reporting the filter's objects. */
export async function destroyPropertyFilter(vim: Vim, filter: MoRef, options?: InvokeOptions): Promise<void> {
  await vim.invoke("DestroyPropertyFilter", filter, [], options);
}
