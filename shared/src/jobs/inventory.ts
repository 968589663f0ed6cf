import { z } from "zod";
import { InventoryPath } from "./provision-vm-job.ts";

const Named = z.object({ path: InventoryPath, name: z.string().max(255) });

/**
 * How many objects of each kind a report may carry: well above a large vCenter's (the agent drops the
 * rest, and the whole report still travels in bounded frames, see protocol/inventory-parts.ts).
 */
export const INVENTORY_LIMITS = {
  datacenters: 500,
  templates: 5000,
  networks: 5000,
  folders: 20_000,
  datastores: 5000,
  pools: 10_000,
} as const;

export const InventoryHeader = z.object({
  /** the agent's clock when it read vCenter: shown for information, never used to order reports */
  collectedAt: z.string().datetime(),
  vcenter: z.object({ apiVersion: z.string().max(40), fullName: z.string().max(200) }),
});

export const InventoryTemplate = Named.extend({
  cpu: z.number().int().nonnegative(),
  memoryMb: z.number().int().nonnegative(),
  diskGb: z.number().nonnegative(),
  guestId: z.string().max(100).optional(),
});
export const InventoryNetwork = Named.extend({ kind: z.enum(["standard", "distributed"]) });
export const InventoryDatastore = Named.extend({
  capacityGb: z.number().nonnegative(),
  freeGb: z.number().nonnegative(),
});
export const InventoryPool = Named.extend({ kind: z.enum(["cluster", "host", "pool"]) });

/** The objects of a report, kind by kind: what a report's parts carry slices of. */
export const InventoryLists = z.object({
  datacenters: z.array(Named).max(INVENTORY_LIMITS.datacenters),
  templates: z.array(InventoryTemplate).max(INVENTORY_LIMITS.templates),
  networks: z.array(InventoryNetwork).max(INVENTORY_LIMITS.networks),
  folders: z.array(Named).max(INVENTORY_LIMITS.folders),
  datastores: z.array(InventoryDatastore).max(INVENTORY_LIMITS.datastores),
  pools: z.array(InventoryPool).max(INVENTORY_LIMITS.pools),
});
export type InventoryLists = z.infer<typeof InventoryLists>;
export type InventoryKind = keyof InventoryLists;
export const INVENTORY_KINDS = Object.keys(InventoryLists.shape) as InventoryKind[];

/** What the agent reports about its vCenter so forms and site settings never wait for vCenter. */
export const InventoryReport = InventoryHeader.extend(InventoryLists.shape);
export type InventoryReport = z.infer<typeof InventoryReport>;

/** Live state of one VM, read through the agent on demand. */
export const VmLiveStatus = z.object({
  vmwareId: z.string(),
  powerState: z.enum(["poweredOn", "poweredOff", "suspended", "unknown"]),
  toolsRunning: z.boolean(),
  ipAddress: z.string().nullable(),
  hostname: z.string().nullable(),
  checkedAt: z.string().datetime(),
});
export type VmLiveStatus = z.infer<typeof VmLiveStatus>;
