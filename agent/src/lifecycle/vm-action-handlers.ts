import type { VmActionJob } from "@gantry/shared/jobs/vm-action-job";
import type { ActionHandler, Handlers } from "../jobs/handlers.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { type ActionBody, type ActionOptions, runVmAction } from "./action-run.ts";
import { adoptVm } from "./adopt-vm.ts";
import { deleteVm } from "./delete-vm.ts";
import { restartAction, shutdownGuestAction } from "./guest-power.ts";
import { powerOff, powerOn } from "./power.ts";
import { resizeVm } from "./resize-vm.ts";
import { createSnapshot, deleteSnapshot, revertSnapshot } from "./snapshots.ts";

type ActionKind = VmActionJob["kind"];

/** One handler per VM action kind, all on the agent's shared vCenter client. */
export function vmActionHandlers(client: VsphereClient, options: ActionOptions = {}): Handlers {
  // the registry hands each handler only jobs of its own kind (handlers.ts runAction checks it)
  const handler =
    <TKind extends ActionKind>(body: ActionBody<Extract<VmActionJob, { kind: TKind }>>): ActionHandler =>
    (job, ctx) =>
      runVmAction(client, { job: job as Extract<VmActionJob, { kind: TKind }>, ctx, options }, body);
  return {
    "vm.power-on": handler<"vm.power-on">(powerOn),
    "vm.power-off": handler<"vm.power-off">(powerOff),
    "vm.shutdown-guest": handler<"vm.shutdown-guest">(shutdownGuestAction),
    "vm.restart": handler<"vm.restart">(restartAction),
    "vm.delete": handler<"vm.delete">(deleteVm),
    // the same power-off, marker re-read and destroy, under the marker value the scan saw
    "vm.destroy-unowned": handler<"vm.destroy-unowned">(deleteVm),
    // the marker rewritten from the value the scan saw to the adopted VM's id, compare-and-set
    "vm.adopt": handler<"vm.adopt">(adoptVm),
    "vm.resize": handler<"vm.resize">(resizeVm),
    "vm.snapshot-create": handler<"vm.snapshot-create">(createSnapshot),
    "vm.snapshot-revert": handler<"vm.snapshot-revert">(revertSnapshot),
    "vm.snapshot-delete": handler<"vm.snapshot-delete">(deleteSnapshot),
  };
}
