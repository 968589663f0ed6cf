import type { VmLiveStatus } from "@gantry/shared/jobs/inventory";
import { err, ok, type Result } from "@gantry/shared/result";
import type { CallScope, VsphereClient } from "./client.ts";
import { isFault } from "./faults.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";
import { GUEST_PATHS, guestStateFrom } from "./vm-state.ts";

export interface VmStatusError {
  readonly code: "VM_NOT_FOUND";
  readonly vmwareId: string;
}

/** Live power, tools, address and hostname of a VM by its moref value (`vm-123`), in one round trip. */
export async function readVmStatus(
  client: VsphereClient,
  vmwareId: string,
  scope: CallScope = {},
): Promise<Result<VmLiveStatus, VmStatusError>> {
  const vm = { type: "VirtualMachine", value: vmwareId };
  try {
    const [props] = await retrievePropertiesEx(client.scope(scope), [
      { propSet: [{ type: "VirtualMachine", paths: GUEST_PATHS }], objectSet: [{ obj: vm }] },
    ]);
    if (props === undefined) return err({ code: "VM_NOT_FOUND", vmwareId });
    const guest = guestStateFrom((p) => props.raw.get(p));
    return ok({ vmwareId, ...guest, checkedAt: new Date().toISOString() });
  } catch (e) {
    if (isFault(e, "ManagedObjectNotFound")) return err({ code: "VM_NOT_FOUND", vmwareId });
    throw e;
  }
}
