import { z } from "zod";

/** Size codes offered to requesters; shared by the web form, the edge and the job builder. */
export const VM_SIZE_CODES = ["S", "M", "L", "XL"] as const;
export const VmSize = z.enum(VM_SIZE_CODES);
export type VmSize = z.infer<typeof VmSize>;

export const DEFAULT_VM_SIZE: VmSize = "M";

export const VmSpec = z.object({
  cpu: z.number().int().min(1),
  memoryGb: z.number().int().min(1),
  diskGb: z.number().int().min(1),
});
export type VmSpec = z.infer<typeof VmSpec>;

/** The fixed catalogue; per-tenant overrides would replace this table, not the codes. */
export const VM_SIZES: Readonly<Record<VmSize, VmSpec>> = {
  S: { cpu: 2, memoryGb: 4, diskGb: 50 },
  M: { cpu: 4, memoryGb: 8, diskGb: 100 },
  L: { cpu: 8, memoryGb: 16, diskGb: 200 },
  XL: { cpu: 16, memoryGb: 32, diskGb: 500 },
};

export const specFor = (size: VmSize): VmSpec => VM_SIZES[size];
