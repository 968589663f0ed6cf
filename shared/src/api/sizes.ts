import { z } from "zod";
import { VmSize, VmSpec } from "../domain/vm-size.ts";

// The tenant's size catalogue in the settings area (issue 17); the web form validates with the same
// schemas, and the `vm_sizes` table's CHECKs (migration 0021) hold the same bounds.

export const SizeLabel = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(60, "must be at most 60 characters");

/** A size's values: its label and what it gives a VM (vCPU, memory GB, disk GB). */
export const SizeValues = VmSpec.extend({ label: SizeLabel });

export const AddSizeInput = SizeValues.extend({ code: VmSize }).strict();
export type AddSizeInput = z.input<typeof AddSizeInput>;

/** New values for a size no request has used yet (a used one is retired and replaced instead). */
export const EditSizeInput = AddSizeInput;
export type EditSizeInput = z.input<typeof EditSizeInput>;

export const SizeRefInput = z.object({ code: VmSize }).strict();
export type SizeRefInput = z.input<typeof SizeRefInput>;

/** `settings.sizes`: every size of the tenant, retired ones too (history still names them). */
export interface SizeSetting {
  code: VmSize;
  label: string;
  spec: VmSpec;
  /** when an admin retired it; null while requests may pick it */
  retiredAt: string | null;
  /** how many requests named it: a used size can be retired, never edited or deleted */
  requests: number;
}
