import { z } from "zod";

export const VM_NAME_MIN = 3;
export const VM_NAME_MAX = 63;

/**
 * The requested VM name, which also becomes the guest hostname, so it follows DNS label rules:
 * 3–63 lowercase letters, digits and hyphens, starting and ending alphanumeric, no `--`.
 */
export const VmName = z
  .string()
  .min(VM_NAME_MIN, `must be at least ${VM_NAME_MIN} characters`)
  .max(VM_NAME_MAX, `must be at most ${VM_NAME_MAX} characters`)
  .regex(/^[a-z0-9-]*$/, "may contain only lowercase letters, digits and hyphens")
  .regex(/^[a-z0-9]/, "must start with a letter or digit")
  .regex(/[a-z0-9]$/, "must end with a letter or digit")
  // "--" is reserved for IDN punycode labels (xn--), which we never produce
  .refine((name) => !name.includes("--"), "must not contain two hyphens in a row");
export type VmName = z.infer<typeof VmName>;
