import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { CallScope, VsphereClient } from "./client.ts";
import { InventoryObjects, inventoryReport } from "./inventory-report.ts";
import { createContainerView } from "./methods/create-container-view.ts";
import { destroyView } from "./methods/destroy-view.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";
import type { ObjectProps, PropertySpec } from "./property-spec.ts";
import type { MoRef } from "./values.ts";
import { refKey } from "./values.ts";
import type { Vim } from "./vim.ts";

const VIEW_TYPES = [
  "Datacenter",
  "Folder",
  "VirtualMachine",
  "Network",
  "Datastore",
  "ResourcePool",
  "ComputeResource",
];

// DistributedVirtualPortgroup and ClusterComputeResource are subtypes: their objects match both specs
const SPECS: PropertySpec[] = [
  { type: "Datacenter", paths: ["name", "parent"] },
  { type: "Folder", paths: ["name", "parent", "childType"] },
  { type: "VirtualMachine", paths: ["name", "parent", "config.template"] },
  { type: "Network", paths: ["name", "parent"] },
  { type: "DistributedVirtualPortgroup", paths: ["config.uplink", "tag"] },
  { type: "Datastore", paths: ["name", "parent", "summary.capacity", "summary.freeSpace"] },
  { type: "ResourcePool", paths: ["name", "parent"] },
  { type: "ComputeResource", paths: ["name", "parent"] },
];

const TEMPLATE_PATHS = [
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.hardware.device",
  "config.guestId",
];

/**
 * Everything a site's forms offer, in four round trips after login: a recursive ContainerView
 * over the root folder, one RetrievePropertiesEx for every type at once, one for the templates'
 * hardware, and DestroyView.
 */
export async function collectInventory(
  client: VsphereClient,
  scope: CallScope = {},
): Promise<InventoryReport> {
  const vim = client.scope(scope);
  const content = await client.connect(scope);
  const view = await createContainerView(vim, {
    container: content.rootFolder,
    types: VIEW_TYPES,
    recursive: true,
  });
  try {
    const objects = new InventoryObjects(content.rootFolder, await readThroughView(vim, view));
    const templateDetails = await readTemplateDetails(vim, objects.templates());
    return inventoryReport({ about: content.about, objects, templateDetails });
  } finally {
    await destroyView(vim, view).catch(() => undefined);
  }
}

/** Every object the view holds, with the paths of its type, in one call. */
function readThroughView(vim: Vim, view: MoRef): Promise<ObjectProps[]> {
  return retrievePropertiesEx(vim, [
    {
      propSet: SPECS,
      objectSet: [
        { obj: view, skip: true, selectSet: [{ type: "ContainerView", path: "view", skip: false }] },
      ],
    },
  ]);
}

/** The templates' hardware and guest OS by moref key, in one call (none without templates). */
async function readTemplateDetails(
  vim: Vim,
  templates: readonly ObjectProps[],
): Promise<Map<string, ObjectProps>> {
  if (templates.length === 0) return new Map();
  const details = await retrievePropertiesEx(vim, [
    {
      propSet: [{ type: "VirtualMachine", paths: TEMPLATE_PATHS }],
      objectSet: templates.map((o) => ({ obj: o.obj })),
    },
  ]);
  return new Map(details.map((o) => [refKey(o.obj), o]));
}
