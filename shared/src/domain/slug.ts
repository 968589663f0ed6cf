import { z } from "zod";

export const SLUG_MAX = 40;
export const VM_PREFIX_MAX = 15;

/**
 * A tenant's or project's slug: a folder name in vCenter (`<folder>/<tenant>/<project>`) and part of
 * every job. 1–40 lowercase letters, digits and hyphens; the `tenants` and `projects` tables check
 * the same (migration 0007), so a row the database holds always builds a valid job.
 */
export const Slug = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, "must be 1–40 lowercase letters, digits and hyphens");

/** The project's VM name prefix (`{prefix}-{name}` in vCenter): 1–15 lowercase letters, digits, hyphens, starting alphanumeric. */
export const VmPrefix = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,14}$/,
    "must be 1–15 lowercase letters, digits and hyphens, starting with a letter or digit",
  );
