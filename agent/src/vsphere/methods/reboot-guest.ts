import type { MoRef } from "../values.ts";
import type { Vim } from "../vim.ts";

/**
 * VirtualMachine.RebootGuest: asks VMware Tools to restart the guest OS and returns at once (no task).
 * Faults with ToolsUnavailable when Tools does not run. Mutating.
 */
export async function rebootGuest(vim: Vim, vm: MoRef): Promise<void> {
  await vim.invoke("RebootGuest", vm, []);
}
