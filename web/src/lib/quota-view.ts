import type { QuotaLeft, QuotaUsage } from "@gantry/shared/api/quotas";
import {
  amountsOf,
  leftOf,
  type QuotaLimits,
  type QuotaResource,
  shortfallOf,
  shortfallText,
} from "@gantry/shared/domain/quota";
import type { VmSpec } from "@gantry/shared/domain/vm-size";

export const RESOURCE_LABELS: Record<QuotaResource, string> = {
  vcpu: "vCPU",
  memoryGb: "Memory (GB)",
  diskGb: "Disk (GB)",
  vms: "VMs",
};

/** "4 / 2 / 16": used, requested (pending), limit ("unlimited" without one). */
export const usageCell = (u: QuotaUsage, r: QuotaResource): string =>
  `${u.used[r]} / ${u.requested[r]} / ${u.limits[r] ?? "unlimited"}`;

/** The same words the edge refuses with, for a size that does not fit what is left; null if it fits. */
export function sizeRefusal(left: QuotaLeft, spec: VmSpec): string | null {
  const needs = amountsOf(spec);
  const inProject = shortfallOf(left.project.limits, left.project.used, needs);
  if (inProject) return shortfallText({ kind: "project", name: left.project.name }, inProject);
  const inTenant = shortfallOf(left.tenant.limits, left.tenant.used, needs);
  if (inTenant) return shortfallText({ kind: "tenant", name: left.tenant.name }, inTenant);
  return null;
}

/** "Left in Data: 12 vCPU, 24 GB memory, 300 GB disk, 3 VMs" (the tighter of project and tenant); null if unlimited. */
export function leftSummary(left: QuotaLeft): string | null {
  const project = leftOf(left.project.limits, left.project.used);
  const tenant = leftOf(left.tenant.limits, left.tenant.used);
  const parts: string[] = [];
  const units: Record<QuotaResource, string> = {
    vcpu: " vCPU",
    memoryGb: " GB memory",
    diskGb: " GB disk",
    vms: " VMs",
  };
  for (const r of Object.keys(units) as QuotaResource[]) {
    const a = project[r];
    const b = tenant[r];
    const tighter = a === null ? b : b === null ? a : Math.min(a, b);
    if (tighter !== null) parts.push(`${tighter}${units[r]}`);
  }
  return parts.length === 0 ? null : `Left in ${left.project.name}: ${parts.join(", ")}`;
}

/** A limit field's text: empty means unlimited. */
export const limitText = (limits: QuotaLimits, r: QuotaResource): string =>
  limits[r] === null ? "" : String(limits[r]);
