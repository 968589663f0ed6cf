import { z } from "zod";

// How long a VM may live (issue 16). Durations are seconds, so tests and the local stack can compress the
// clock; the database's CHECKs on `lease_policies` (migration 0025) hold the same limits.

const DAY = 86_400;
/** the longest any duration may be: ten years */
export const MAX_LEASE_SECONDS = 3650 * DAY;

const Seconds = z.number().int().min(1).max(MAX_LEASE_SECONDS);

/** hard: the VM is powered off at expiry and destroyed after the grace period; soft: only notices */
export const LeaseEnforcement = z.enum(["hard", "soft"]);
export type LeaseEnforcement = z.infer<typeof LeaseEnforcement>;

export const LeasePolicy = z
  .object({
    /** the lease a VM gets at READY */
    initialTermSeconds: Seconds,
    /** the most one extension may add without an admin's approval */
    maxExtensionSeconds: Seconds,
    /** the longest a VM may live from READY without an admin's approval */
    maxTotalSeconds: Seconds,
    /** between power-off at expiry and destruction; 0 destroys at expiry */
    graceSeconds: z.number().int().min(0).max(MAX_LEASE_SECONDS),
    enforcement: LeaseEnforcement,
    /** how long before expiry the owner is warned, e.g. 7 days and 1 day */
    warningsSeconds: z.array(Seconds).max(4),
  })
  .refine((p) => p.initialTermSeconds <= p.maxTotalSeconds, {
    message: "the initial term cannot exceed the maximum total life",
    path: ["initialTermSeconds"],
  })
  .refine((p) => p.maxExtensionSeconds <= p.maxTotalSeconds, {
    message: "one extension cannot exceed the maximum total life",
    path: ["maxExtensionSeconds"],
  });
export type LeasePolicy = z.infer<typeof LeasePolicy>;

/** What a tenant without a policy of its own gets: 30 days, extend by 30 at a time, 180 in all, a week's grace. */
export const DEFAULT_LEASE_POLICY: LeasePolicy = {
  initialTermSeconds: 30 * DAY,
  maxExtensionSeconds: 30 * DAY,
  maxTotalSeconds: 180 * DAY,
  graceSeconds: 7 * DAY,
  enforcement: "hard",
  warningsSeconds: [7 * DAY, DAY],
};

/** Where a project's effective policy comes from. */
export const LeasePolicySource = z.enum(["project", "tenant", "default"]);
export type LeasePolicySource = z.infer<typeof LeasePolicySource>;
