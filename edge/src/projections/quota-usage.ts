import { NOTHING, type QuotaAmounts } from "@gantry/shared/domain/quota";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { REQUEST_SUMMARY } from "./request-summary-projection.ts";

/**
 * Whether a request_summary row holds capacity (README "Quotas"): approved or provisioning, or READY
 * with its VM still there (not deleted, not gone from vCenter, its lease not ended). Pending rows hold
 * nothing; failed (compensated or not), cancelled and rejected rows give it back with their status.
 */
export const HOLDS_CAPACITY = `(status IN ('APPROVED', 'PROVISIONING') OR (status = 'READY'
  AND COALESCE(vm_status, 'READY') NOT IN ('DELETED', 'GONE') AND COALESCE(vm_lease_phase, '') <> 'ended'))`;

/** What a holding row holds: a resized VM its new spec, any other the spec it was requested with. */
export const HELD = {
  vcpu: "COALESCE(held_cpu, cpu)",
  memoryGb: "COALESCE(held_memory_gb, memory_gb)",
  diskGb: "COALESCE(held_disk_gb, disk_gb)",
} as const;

export interface ScopeUsage {
  /** what live VMs and approved or provisioning requests hold */
  used: QuotaAmounts;
  /** what pending requests would add once approved */
  requested: QuotaAmounts;
}

export const NO_USAGE: ScopeUsage = { used: NOTHING, requested: NOTHING };

interface UsageRow {
  project_id: string;
  used_vcpu: number | null;
  used_memory_gb: number | null;
  used_disk_gb: number | null;
  used_vms: number;
  req_vcpu: number | null;
  req_memory_gb: number | null;
  req_disk_gb: number | null;
  req_vms: number;
}

const toUsage = (r: UsageRow): ScopeUsage => ({
  used: {
    vcpu: r.used_vcpu ?? 0,
    memoryGb: r.used_memory_gb ?? 0,
    diskGb: r.used_disk_gb ?? 0,
    vms: r.used_vms,
  },
  requested: {
    vcpu: r.req_vcpu ?? 0,
    memoryGb: r.req_memory_gb ?? 0,
    diskGb: r.req_disk_gb ?? 0,
    vms: r.req_vms,
  },
});

const add = (a: QuotaAmounts, b: QuotaAmounts): QuotaAmounts => ({
  vcpu: a.vcpu + b.vcpu,
  memoryGb: a.memoryGb + b.memoryGb,
  diskGb: a.diskGb + b.diskGb,
  vms: a.vms + b.vms,
});

/** The tenant's usage per project (projects without a request are absent) and in total: one query. */
export async function tenantUsage(
  db: SqlDatabase,
  tenantId: string,
): Promise<{ tenant: ScopeUsage; projects: Map<string, ScopeUsage> }> {
  const pending = "status = 'PENDING'";
  const { results } = await db
    .prepare(
      `SELECT project_id,
         SUM(CASE WHEN ${HOLDS_CAPACITY} THEN ${HELD.vcpu} END) AS used_vcpu,
         SUM(CASE WHEN ${HOLDS_CAPACITY} THEN ${HELD.memoryGb} END) AS used_memory_gb,
         SUM(CASE WHEN ${HOLDS_CAPACITY} THEN ${HELD.diskGb} END) AS used_disk_gb,
         COUNT(CASE WHEN ${HOLDS_CAPACITY} THEN 1 END) AS used_vms,
         SUM(CASE WHEN ${pending} THEN cpu END) AS req_vcpu,
         SUM(CASE WHEN ${pending} THEN memory_gb END) AS req_memory_gb,
         SUM(CASE WHEN ${pending} THEN disk_gb END) AS req_disk_gb,
         COUNT(CASE WHEN ${pending} THEN 1 END) AS req_vms
       FROM ${REQUEST_SUMMARY} WHERE tenant_id = ? GROUP BY project_id`,
    )
    .bind(tenantId)
    .all<UsageRow>();
  const projects = new Map(results.map((r) => [r.project_id, toUsage(r)]));
  let tenant = NO_USAGE;
  for (const u of projects.values())
    tenant = { used: add(tenant.used, u.used), requested: add(tenant.requested, u.requested) };
  return { tenant, projects };
}

/** What one request (or its VM) holds now; nothing when it holds no capacity. */
export async function heldBy(
  db: SqlDatabase,
  scope: { tenantId: string; requestId: string },
): Promise<QuotaAmounts> {
  const row = await db
    .prepare(
      `SELECT ${HELD.vcpu} AS vcpu, ${HELD.memoryGb} AS memoryGb, ${HELD.diskGb} AS diskGb
       FROM ${REQUEST_SUMMARY} WHERE tenant_id = ? AND request_id = ? AND ${HOLDS_CAPACITY}`,
    )
    .bind(scope.tenantId, scope.requestId)
    .first<Omit<QuotaAmounts, "vms">>();
  return row ? { ...row, vms: 1 } : NOTHING;
}
