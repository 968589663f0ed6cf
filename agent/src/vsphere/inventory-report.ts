import { INVENTORY_LIMITS, type InventoryReport } from "@gantry/shared/jobs/inventory";
import { parseHardware } from "./devices.ts";
import { InventoryPaths } from "./inventory-paths.ts";
import type { ObjectProps } from "./property-spec.ts";
import type { ServiceContent } from "./service-content.ts";
import { type MoRef, refKey } from "./values.ts";

const KB_PER_GB = 1024 * 1024;
const BYTES_PER_GB = 1024 ** 3;

const round = (n: number) => Math.round(n * 100) / 100;

/** The objects of one inventory read, by type and with their inventory paths. */
export class InventoryObjects {
  readonly #objects: readonly ObjectProps[];
  readonly #paths: InventoryPaths;

  constructor(root: MoRef, objects: readonly ObjectProps[]) {
    this.#objects = objects;
    this.#paths = new InventoryPaths(root, objects);
  }

  of(type: string): ObjectProps[] {
    return this.#objects.filter((o) => o.obj.type === type);
  }

  /** Path and name, or undefined for an object whose path does not reach the root (not offered). */
  named(o: ObjectProps): { path: string; name: string } | undefined {
    const path = this.#paths.pathOf(o.obj);
    return path === undefined ? undefined : { path, name: o.text("name") ?? "" };
  }

  parent(ref: MoRef): MoRef | undefined {
    return this.#paths.parent(ref);
  }

  templates(): ObjectProps[] {
    return this.of("VirtualMachine").filter((o) => o.text("config.template") === "true");
  }
}

/**
 * What a site's forms offer, from one inventory read and the templates' hardware (by moref key),
 * kept within the contract's array limits (a huge vCenter must not make the report invalid).
 */
export function inventoryReport(input: {
  about: ServiceContent["about"];
  objects: InventoryObjects;
  templateDetails: ReadonlyMap<string, ObjectProps>;
}): InventoryReport {
  const { objects } = input;
  const named = (o: ObjectProps) => objects.named(o) ?? [];
  return {
    collectedAt: new Date().toISOString(),
    vcenter: { apiVersion: input.about.apiVersion, fullName: input.about.fullName.slice(0, 200) },
    datacenters: objects.of("Datacenter").flatMap(named).slice(0, INVENTORY_LIMITS.datacenters),
    templates: templates(objects, input.templateDetails).slice(0, INVENTORY_LIMITS.templates),
    networks: networks(objects).slice(0, INVENTORY_LIMITS.networks),
    folders: objects
      .of("Folder")
      .filter((o) => JSON.stringify(o.value("childType") ?? "").includes("VirtualMachine"))
      .flatMap(named)
      .slice(0, INVENTORY_LIMITS.folders),
    datastores: datastores(objects).slice(0, INVENTORY_LIMITS.datastores),
    pools: pools(objects).slice(0, INVENTORY_LIMITS.pools),
  };
}

function templates(objects: InventoryObjects, details: ReadonlyMap<string, ObjectProps>) {
  return objects.templates().flatMap((o) => {
    const base = objects.named(o);
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
  });
}

function isUplink(o: ObjectProps): boolean {
  // vCenter marks a switch's uplink portgroup (config.uplink from API 6.5, the system tag before): no VM
  // attaches to it. Stock vcsim marks neither; our launcher adds both, as vCenter does
  return (
    o.text("config.uplink") === "true" || JSON.stringify(o.value("tag") ?? "").includes("SYSTEM/DVS.UPLINKPG")
  );
}

function networks(objects: InventoryObjects) {
  const portgroups = objects.of("DistributedVirtualPortgroup").filter((o) => !isUplink(o));
  return [...objects.of("Network"), ...portgroups].flatMap((o) => {
    const base = objects.named(o);
    if (base === undefined) return [];
    return [{ ...base, kind: o.obj.type === "Network" ? ("standard" as const) : ("distributed" as const) }];
  });
}

function datastores(objects: InventoryObjects) {
  return objects.of("Datastore").flatMap((o) => {
    const base = objects.named(o);
    if (base === undefined) return [];
    const capacity = Number(o.text("summary.capacity") ?? 0);
    const free = Number(o.text("summary.freeSpace") ?? 0);
    // thin disks can overcommit a datastore; a simulator even reports negative free space. Report
    // what is usable (never below 0) so one odd datastore cannot void the whole inventory report
    const freeGb = Math.max(0, round(free / BYTES_PER_GB));
    return [{ ...base, capacityGb: round(capacity / BYTES_PER_GB), freeGb }];
  });
}

function pools(objects: InventoryObjects) {
  const ofKind = (list: ObjectProps[], kind: "cluster" | "host" | "pool") =>
    list.flatMap((o) => {
      const base = objects.named(o);
      return base === undefined ? [] : [{ ...base, kind }];
    });
  return [
    ...ofKind(objects.of("ClusterComputeResource"), "cluster"),
    ...ofKind(objects.of("ComputeResource"), "host"),
    // a cluster's or host's root pool is hidden in vCenter's UI too: its owner stands for it
    ...ofKind(
      objects.of("ResourcePool").filter((o) => objects.parent(o.obj)?.type === "ResourcePool"),
      "pool",
    ),
  ];
}
