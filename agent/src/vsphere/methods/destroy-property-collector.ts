import type { MoRef } from "../values.ts";
import type { InvokeOptions, Vim } from "../vim.ts";

/** PropertyCollector.DestroyPropertyCollector: also destroys its filters and cancels its wait. */
export async function destroyPropertyCollector(
  vim: Vim,
  collector: MoRef,
  options?: InvokeOptions,
): Promise<void> {
  await vim.invoke("DestroyPropertyCollector", collector, [], options);
}
