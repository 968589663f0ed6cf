import { z } from "zod";

/**
 * A size's code in its tenant's catalogue (issue 17): what a request and a resize name. Each tenant keeps
 * its own sizes (S/M/L/XL by default, plus what its admins add); the code says nothing of order or
 * resources, so whatever counts resources reads the `spec` a request snapshotted, never the code.
 */
export const SIZE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/;
export const VmSize = z
  .string()
  .regex(SIZE_CODE_PATTERN, "1 to 16 letters, digits, '.', '_' or '-', starting with a letter or digit");
export type VmSize = z.infer<typeof VmSize>;

/** The size the request form picks first when the tenant's catalogue has it. */
export const DEFAULT_VM_SIZE: VmSize = "M";

/** What one size gives a VM. The bounds are the `vm_sizes` table's CHECKs (migration 0021). */
export const SPEC_LIMITS = { cpu: 128, memoryGb: 4096, diskGb: 65536 } as const;

export const VmSpec = z.object({
  cpu: z.number().int().min(1).max(SPEC_LIMITS.cpu),
  memoryGb: z.number().int().min(1).max(SPEC_LIMITS.memoryGb),
  diskGb: z.number().int().min(1).max(SPEC_LIMITS.diskGb),
});
export type VmSpec = z.infer<typeof VmSpec>;

/** A size of the default catalogue every tenant starts with (onboarding and migration 0021 seed it). */
export interface DefaultSize {
  code: VmSize;
  label: string;
  spec: VmSpec;
}

export const DEFAULT_SIZES: readonly DefaultSize[] = [
  { code: "S", label: "Small", spec: { cpu: 2, memoryGb: 4, diskGb: 50 } },
  { code: "M", label: "Medium", spec: { cpu: 4, memoryGb: 8, diskGb: 100 } },
  { code: "L", label: "Large", spec: { cpu: 8, memoryGb: 16, diskGb: 200 } },
  { code: "XL", label: "Extra large", spec: { cpu: 16, memoryGb: 32, diskGb: 500 } },
];

/**
 * The fixed catalogue of the time before per-tenant sizes: only what a v1 `VmRequestSubmitted` (which
 * stored the code alone) meant. Never a way to resolve a size today: that is the tenant's catalogue.
 */
export const LEGACY_SIZE_SPECS: Readonly<Record<string, VmSpec>> = Object.fromEntries(
  DEFAULT_SIZES.map((s) => [s.code, s.spec]),
);
