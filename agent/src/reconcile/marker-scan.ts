import type { ScannedVm } from "@gantry/shared/protocol/vm-scan";
import { factsOf } from "../lifecycle/action-vm.ts";
import { MARKER_REQUEST_ID } from "../provisioning/vm-marker.ts";
import type { CallScope, VsphereClient } from "../vsphere/client.ts";
import { createContainerView } from "../vsphere/methods/create-container-view.ts";
import { destroyView } from "../vsphere/methods/destroy-view.ts";
import { retrievePropertiesEx } from "../vsphere/methods/retrieve-properties-ex.ts";
import { vmStateFrom } from "../vsphere/vm-state.ts";

/**
 * Only what reconciliation compares: the marker (in extraConfig), the name, power, the configuration
 * summary (CPU, memory, disks) and the instance UUID. No guest paths: a scan never waits on tools.
 */
export const SCAN_PATHS = [
  "name",
  "config.extraConfig",
  "config.instanceUuid",
  "runtime.powerState",
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.hardware.device",
] as const;

/** Objects per page of the retrieval: vCenter's own default bound is 100; larger pages, fewer trips. */
export const SCAN_PAGE_SIZE = 250;

/**
 * Every VM of the vCenter that carries our marker: a recursive ContainerView of VirtualMachine from the
 * root folder, one RetrievePropertiesEx over it (paged: ContinueRetrievePropertiesEx until no token),
 * then DestroyView. 3 round trips plus one per further page, whatever the number of VMs.
 */
export async function scanMarkedVms(
  client: VsphereClient,
  scope: CallScope = {},
  pageSize = SCAN_PAGE_SIZE,
): Promise<ScannedVm[]> {
  const vim = client.scope(scope);
  const content = await client.connect(scope);
  const view = await createContainerView(vim, {
    container: content.rootFolder,
    types: ["VirtualMachine"],
    recursive: true,
  });
  try {
    const objects = await retrievePropertiesEx(
      vim,
      [
        {
          propSet: [{ type: "VirtualMachine", paths: SCAN_PATHS }],
          objectSet: [
            { obj: view, skip: true, selectSet: [{ type: "ContainerView", path: "view", skip: false }] },
          ],
        },
      ],
      { maxObjects: pageSize },
    );
    return objects.flatMap((o): ScannedVm[] => {
      const vm = vmStateFrom(o.obj, (path) => o.raw.get(path));
      const marker = vm.extraConfig.get(MARKER_REQUEST_ID);
      if (marker === undefined || marker === "" || marker.length > 100) return [];
      const uuid = o.text("config.instanceUuid");
      return [
        {
          markerRequestId: marker,
          vmwareId: o.obj.value,
          instanceUuid: uuid === undefined || uuid === "" ? null : uuid.slice(0, 100),
          facts: { ...factsOf(vm), name: vm.name.slice(0, 200), ipAddress: null, hostname: null },
        },
      ];
    });
  } finally {
    await destroyView(vim, view).catch(() => undefined);
  }
}
