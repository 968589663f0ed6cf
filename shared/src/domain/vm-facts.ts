import { z } from "zod";
import { VmPowerState } from "./vm-actions.ts";

/**
 * What vCenter says a VM is now, in the terms Gantry tracks: what an action left behind, or what the
 * drift watch saw. `diskGb` is the first (boot) disk, rounded down.
 */
export const VmFacts = z.object({
  name: z.string().max(200),
  powerState: VmPowerState,
  cpu: z.number().int().min(0).max(1024),
  memoryMb: z.number().int().min(0).max(16_777_216),
  diskGb: z.number().int().min(0).max(1_048_576),
  ipAddress: z.string().max(100).nullable(),
  hostname: z.string().max(255).nullable(),
});
export type VmFacts = z.infer<typeof VmFacts>;

/** The facts drift compares; an IP or hostname changing is the guest's business, not drift. */
export const DRIFT_FIELDS = ["name", "powerState", "cpu", "memoryMb", "diskGb"] as const;
export const DriftField = z.enum(DRIFT_FIELDS);
export type DriftField = z.infer<typeof DriftField>;

/** One fact that differs between what Gantry last knew and what vCenter shows. */
export const DriftChange = z.object({
  field: DriftField,
  from: z.union([z.string().max(200), z.number()]),
  to: z.union([z.string().max(200), z.number()]),
});
export type DriftChange = z.infer<typeof DriftChange>;
