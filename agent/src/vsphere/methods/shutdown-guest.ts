import type { MoRef } from "../values.ts";
import type { Vim } from "../vim.ts";

/**
 * VirtualMachine.ShutdownGuest: asks VMware Tools to shut the guest OS down and returns at once (no
 * task); the power state changes when the guest has stopped. Faults with ToolsUnavailable when Tools
 * does not run. Mutating.
 */
export async function shutdownGuest(vim: Vim, vm: MoRef): Promise<void> {
  await vim.invoke("ShutdownGuest", vm, []);
}
