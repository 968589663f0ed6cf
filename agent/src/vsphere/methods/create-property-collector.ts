import type { MoRef } from "../values.ts";
import { type InvokeOptions, returnedRef, type Vim } from "../vim.ts";

/**
 * PropertyCollector.CreatePropertyCollector: a private collector for waiting. The default collector
 * must not be waited on: vcsim shares its moref across sessions and they steal each other's updates.
 */
export async function createPropertyCollector(vim: Vim, options?: InvokeOptions): Promise<MoRef> {
  const { propertyCollector } = await vim.serviceContent();
  const res = await vim.invoke("CreatePropertyCollector", propertyCollector, [], options);
  return returnedRef(res, "CreatePropertyCollector");
}
