import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { CallScope, VsphereClient } from "./client.ts";
import { parseHardware } from "./devices.ts";
import { InventoryPaths } from "./inventory-paths.ts";
import { createContainerView } from "./methods/create-container-view.ts";
import { destroyView } from "./methods/destroy-view.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";
import type { ObjectProps, PropertySpec } from "./property-spec.ts";
import { refKey } from "./values.ts";

const KB_PER_GB = 1024 * 1024;
const BYTES_PER_GB = 1024 ** 3;

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

const round = (n: number) => Math.round(n * 100) / 100;

function isUplink(o: ObjectProps): boolean {
  // vCenter marks uplink portgroups; vcsim does not, so its DVS0-DVUplinks-NN shows up as a network
  return (
    o.text("config.uplink") === "true" || JSON.stringify(o.value("tag") ?? "").includes("SYSTEM/DVS.UPLINKPG")
  );
}

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
    types: [
      "Datacenter",
      "Folder",
      "VirtualMachine",
      "Network",
      "Datastore",
      "ResourcePool",
      "ComputeResource",
    ],
    recursive: true,
  });
  try {
    const objects = await retrievePropertiesEx(vim, [
      {
        propSet: SPECS,
        objectSet: [
          { obj: view, skip: true, selectSet: [{ type: "ContainerView", path: "view", skip: false }] },
        ],
      },
    ]);
    const paths = new InventoryPaths(content.rootFolder, objects);
    const named = (o: ObjectProps) => {
      const path = paths.pathOf(o.obj);
      return path === undefined ? undefined : { path, name: o.text("name") ?? "" };
    };
    const of = (type: string) => objects.filter((o) => o.obj.type === type);

    const templateObjs = of("VirtualMachine").filter((o) => o.text("config.template") === "true");
    const details =
      templateObjs.length === 0
        ? new Map<string, ObjectProps>()
        : new Map(
            (
              await retrievePropertiesEx(vim, [
                {
                  propSet: [
                    {
                      type: "VirtualMachine",
                      paths: [
                        "config.hardware.numCPU",
                        "config.hardware.memoryMB",
                        "config.hardware.device",
                        "config.guestId",
                      ],
                    },
                  ],
                  objectSet: templateObjs.map((o) => ({ obj: o.obj })),
                },
              ])
            ).map((o) => [refKey(o.obj), o]),
          );

    const report: InventoryReport = {
      collectedAt: new Date().toISOString(),
      vcenter: { apiVersion: content.about.apiVersion, fullName: content.about.fullName.slice(0, 200) },
      datacenters: of("Datacenter").flatMap((o) => named(o) ?? []),
      templates: templateObjs.flatMap((o) => {
        const base = named(o);
        const d = details.get(refKey(o.obj));
        if (base === undefined || d === undefined) return [];
        const disk = parseHardware(d.raw.get("config.hardware.device")).disks[0];
        const guestId = d.text("config.guestId");
        return [
          {
            ...base,
            cpu: Number(d.text("config.hardware.numCPU") ?? 0),
            memoryMb: Number(d.text("config.hardware.memoryMB") ?? 0),
            diskGb: round((disk?.capacityKb ?? 0) / KB_PER_GB),
            ...(guestId !== undefined && { guestId: guestId.slice(0, 100) }),
          },
        ];
      }),
      networks: [...of("Network"), ...of("DistributedVirtualPortgroup").filter((o) => !isUplink(o))].flatMap(
        (o) => {
          const base = named(o);
          return base === undefined
            ? []
            : [
                {
                  ...base,
                  kind: o.obj.type === "Network" ? ("standard" as const) : ("distributed" as const),
                },
              ];
        },
      ),
      folders: of("Folder")
        .filter((o) => JSON.stringify(o.value("childType") ?? "").includes("VirtualMachine"))
        .flatMap((o) => named(o) ?? []),
      datastores: of("Datastore").flatMap((o) => {
        const base = named(o);
        if (base === undefined) return [];
        const capacity = Number(o.text("summary.capacity") ?? 0);
        const free = Number(o.text("summary.freeSpace") ?? 0);
        // thin disks can overcommit a datastore; a simulator even reports negative free space. Report
        // what is usable (never below 0) so one odd datastore cannot void the whole inventory report
        const freeGb = Math.max(0, round(free / BYTES_PER_GB));
        return [{ ...base, capacityGb: round(capacity / BYTES_PER_GB), freeGb }];
      }),
      pools: [
        ...of("ClusterComputeResource").flatMap((o) => {
          const base = named(o);
          return base === undefined ? [] : [{ ...base, kind: "cluster" as const }];
        }),
        ...of("ComputeResource").flatMap((o) => {
          const base = named(o);
          return base === undefined ? [] : [{ ...base, kind: "host" as const }];
        }),
        // a cluster's or host's root pool is hidden in vCenter's UI too: its owner stands for it
        ...of("ResourcePool")
          .filter((o) => paths.parent(o.obj)?.type === "ResourcePool")
          .flatMap((o) => {
            const base = named(o);
            return base === undefined ? [] : [{ ...base, kind: "pool" as const }];
          }),
      ],
    };
    return capped(report);
  } finally {
    await destroyView(vim, view).catch(() => undefined);
  }
}

/** Keep within the contract's array limits (a huge vCenter must not make the report invalid). */
function capped(r: InventoryReport): InventoryReport {
  return {
    ...r,
    datacenters: r.datacenters.slice(0, 200),
    templates: r.templates.slice(0, 2000),
    networks: r.networks.slice(0, 2000),
    folders: r.folders.slice(0, 5000),
    datastores: r.datastores.slice(0, 2000),
    pools: r.pools.slice(0, 5000),
  };
}
