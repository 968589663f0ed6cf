import { z } from "zod";
import { InventoryPath } from "./provision-vm-job.ts";

const Named = z.object({ path: InventoryPath, name: z.string().max(255) });

/** What the agent reports about its vCenter so forms and site settings never wait for vCenter. */
export const InventoryReport = z.object({
  collectedAt: z.string().datetime(),
  vcenter: z.object({ apiVersion: z.string().max(40), fullName: z.string().max(200) }),
  datacenters: z.array(Named).max(200),
  templates: z
    .array(
      Named.extend({
        cpu: z.number().int().nonnegative(),
        memoryMb: z.number().int().nonnegative(),
        diskGb: z.number().nonnegative(),
        guestId: z.string().max(100).optional(),
      }),
    )
    .max(2000),
  networks: z.array(Named.extend({ kind: z.enum(["standard", "distributed"]) })).max(2000),
  folders: z.array(Named).max(5000),
  datastores: z
    .array(Named.extend({ capacityGb: z.number().nonnegative(), freeGb: z.number().nonnegative() }))
    .max(2000),
  pools: z.array(Named.extend({ kind: z.enum(["cluster", "host", "pool"]) })).max(5000),
});
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
