import type { InvokeOptions } from "../session.ts";
import type { MoRef } from "../values.ts";
import type { Vim } from "../vim.ts";

/** PropertyCollector.CancelWaitForUpdates: the pending wait returns `RequestCanceled`. */
export async function cancelWaitForUpdates(
  vim: Vim,
  collector: MoRef,
  options?: InvokeOptions,
): Promise<void> {
  await vim.invoke("CancelWaitForUpdates", collector, [], options);
}
