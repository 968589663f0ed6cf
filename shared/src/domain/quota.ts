import { z } from "zod";
import type { VmSpec } from "./vm-size.ts";

/**
 * A quota: the most a project (or a whole tenant) may hold at once of each resource. Each limit is
 * optional: null means unlimited. The D1 table `quotas` (migration 0030) has CHECKs matching this.
 */
export const QUOTA_RESOURCES = ["vcpu", "memoryGb", "diskGb", "vms"] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

export const MAX_QUOTA_LIMIT = 1_000_000;
const Limit = z.number().int().min(0).max(MAX_QUOTA_LIMIT).nullable();

export const QuotaLimits = z.object({ vcpu: Limit, memoryGb: Limit, diskGb: Limit, vms: Limit });
export type QuotaLimits = z.infer<typeof QuotaLimits>;

export const UNLIMITED: QuotaLimits = { vcpu: null, memoryGb: null, diskGb: null, vms: null };

/** Amounts of each resource: what is held, requested, needed or left. */
export type QuotaAmounts = Record<QuotaResource, number>;

export const NOTHING: QuotaAmounts = { vcpu: 0, memoryGb: 0, diskGb: 0, vms: 0 };

/** What one VM of this spec holds. */
export const amountsOf = (spec: VmSpec, vms = 1): QuotaAmounts => ({
  vcpu: spec.cpu,
  memoryGb: spec.memoryGb,
  diskGb: spec.diskGb,
  vms,
});

/** What a VM going from one spec to another needs more (never below zero per resource; no new VM). */
export const growthOf = (from: VmSpec, to: VmSpec): QuotaAmounts => ({
  vcpu: Math.max(0, to.cpu - from.cpu),
  memoryGb: Math.max(0, to.memoryGb - from.memoryGb),
  diskGb: Math.max(0, to.diskGb - from.diskGb),
  vms: 0,
});

/** Where a quota applies: the whole tenant, or one project. */
export type QuotaScopeKind = "tenant" | "project";

/** The first limit `needs` would break, with what is left of it (never below zero). */
export interface QuotaShortfall {
  resource: QuotaResource;
  limit: number;
  left: number;
  needs: number;
}

export function shortfallOf(
  limits: QuotaLimits,
  used: QuotaAmounts,
  needs: QuotaAmounts,
): QuotaShortfall | null {
  for (const resource of QUOTA_RESOURCES) {
    const limit = limits[resource];
    if (limit === null || needs[resource] === 0) continue;
    const left = Math.max(0, limit - used[resource]);
    if (needs[resource] > left) return { resource, limit, left, needs: needs[resource] };
  }
  return null;
}

/** What is left under `limits` (null: unlimited). */
export function leftOf(limits: QuotaLimits, used: QuotaAmounts): Record<QuotaResource, number | null> {
  const left = (r: QuotaResource) => {
    const limit = limits[r];
    return limit === null ? null : Math.max(0, limit - used[r]);
  };
  return { vcpu: left("vcpu"), memoryGb: left("memoryGb"), diskGb: left("diskGb"), vms: left("vms") };
}

const UNITS: Record<QuotaResource, (n: number) => string> = {
  vcpu: (n) => `${n} vCPU`,
  memoryGb: (n) => `${n} GB of memory`,
  diskGb: (n) => `${n} GB of disk`,
  vms: (n) => `${n} ${n === 1 ? "VM" : "VMs"}`,
};

/** "Project Data allows 16 vCPU; 4 are left, this request needs 8" */
export function shortfallText(
  scope: { kind: QuotaScopeKind; name: string },
  s: QuotaShortfall,
  what = "this request",
): string {
  const holder = scope.kind === "project" ? `Project ${scope.name}` : `Tenant ${scope.name}`;
  const unit = s.resource === "vcpu" || s.resource === "vms" ? "" : " GB";
  return `${holder} allows ${UNITS[s.resource](s.limit)}; ${s.left}${unit} ${s.left === 1 ? "is" : "are"} left, ${what} needs ${s.needs}${unit}`;
}
