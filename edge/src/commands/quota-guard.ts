import type { DomainError } from "@gantry/shared/domain/domain-error";
import {
  amountsOf,
  NOTHING,
  type QuotaAmounts,
  type QuotaLimits,
  shortfallOf,
} from "@gantry/shared/domain/quota";
import type { VmSpec } from "@gantry/shared/domain/vm-size";
import { err, type Result } from "@gantry/shared/result";
import type { CommitGuard } from "../event-store/append-to-stream.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { HELD, HOLDS_CAPACITY, heldBy, NO_USAGE, tenantUsage } from "../projections/quota-usage.ts";
import { getProject } from "../tenancy/projects.ts";
import { quotasOf, TENANT_QUOTA_ROW } from "../tenancy/quotas.ts";
import { getTenant } from "../tenancy/tenants.ts";

// Capacity as a condition of the write that takes it (an approval, a resize up's approval), like the
// lease fence: the guard statement runs first in the append batch, sums what the project and the tenant
// hold right then and aborts the whole batch when `needs` does not fit a limit. D1 runs a batch as one
// transaction, so of two approvals racing for the last capacity the second sees the first and fails
// with nothing written. Only this module has SQL on `quota_guard` (migration 0030). CROSS JOIN keeps the
// tenant's quota rows as the outer loop: without one (no quota set) the sums over its history are never read.

/** The name the guard's trigger aborts with ('gantry:quota_exceeded'). */
export const QUOTA_EXCEEDED_GUARD = "quota_exceeded";

export interface CapacityNeed {
  tenantId: string;
  projectId: string;
  needs: QuotaAmounts;
  /** a row whose own holding `needs` replaces (a resized VM: it will hold its new spec instead) */
  replacing?: string | undefined;
}

/** The guard of a batch that takes capacity: writes nothing when `needs` fits every limit. */
export function quotaGuard(db: SqlDatabase, need: CapacityNeed): CommitGuard {
  const { needs } = need;
  const sum = (held: string, projectOnly: boolean) =>
    `SUM(CASE WHEN ${HOLDS_CAPACITY}${projectOnly ? " AND project_id = ?2" : ""} AND request_id <> ?7 THEN ${held} ELSE 0 END)`;
  const over = (limit: string, tenantSum: string, projectSum: string, param: string) =>
    `(q.${limit} IS NOT NULL AND ${param} > 0 AND
      (CASE q.project_id WHEN '${TENANT_QUOTA_ROW}' THEN u.${tenantSum} ELSE u.${projectSum} END) + ${param} > q.${limit})`;
  return {
    name: QUOTA_EXCEEDED_GUARD,
    statement: db
      .prepare(
        `INSERT INTO quota_guard (tenant_id, project_id)
         SELECT ?1, ?2 FROM quotas q CROSS JOIN (
           SELECT ${sum(HELD.vcpu, false)} AS t_vcpu, ${sum(HELD.vcpu, true)} AS p_vcpu,
             ${sum(HELD.memoryGb, false)} AS t_mem, ${sum(HELD.memoryGb, true)} AS p_mem,
             ${sum(HELD.diskGb, false)} AS t_disk, ${sum(HELD.diskGb, true)} AS p_disk,
             ${sum("1", false)} AS t_vms, ${sum("1", true)} AS p_vms
           FROM request_summary WHERE tenant_id = ?1) u
         WHERE q.tenant_id = ?1 AND q.project_id IN (?2, '${TENANT_QUOTA_ROW}') AND (
           ${over("vcpu", "t_vcpu", "p_vcpu", "?3")} OR ${over("memory_gb", "t_mem", "p_mem", "?4")} OR
           ${over("disk_gb", "t_disk", "p_disk", "?5")} OR ${over("vms", "t_vms", "p_vms", "?6")})
         LIMIT 1`,
      )
      .bind(
        need.tenantId,
        need.projectId,
        needs.vcpu,
        needs.memoryGb,
        needs.diskGb,
        needs.vms,
        need.replacing ?? "",
      ),
  };
}

/**
 * Whether `needs` fits the project's quota and the tenant's as they are now: null, or the refusal
 * naming the first limit it breaks and what is left of it. (A read: the guard is what makes it hold.)
 */
export async function quotaRefusal(
  db: SqlDatabase,
  need: CapacityNeed & { what: string; field: "size" | null },
): Promise<DomainError | null> {
  const scope = { tenantId: need.tenantId, projectId: need.projectId };
  const limits = await quotasOf(db, scope);
  const unlimited = (l: QuotaLimits) => Object.values(l).every((v) => v === null);
  if (unlimited(limits.project) && unlimited(limits.tenant)) return null;
  const [usage, replaced] = await Promise.all([
    tenantUsage(db, need.tenantId),
    need.replacing ? heldBy(db, { tenantId: need.tenantId, requestId: need.replacing }) : NOTHING,
  ]);
  // a resized VM already holds its old spec: it needs only the growth (and no second VM)
  const needs = {
    vcpu: Math.max(0, need.needs.vcpu - replaced.vcpu),
    memoryGb: Math.max(0, need.needs.memoryGb - replaced.memoryGb),
    diskGb: Math.max(0, need.needs.diskGb - replaced.diskGb),
    vms: Math.max(0, need.needs.vms - replaced.vms),
  };
  const project = usage.projects.get(need.projectId) ?? NO_USAGE;
  const inProject = shortfallOf(limits.project, project.used, needs);
  if (inProject) {
    const named = await getProject(db, scope);
    return quotaExceeded(need, { scope: "project", scopeName: named?.name ?? need.projectId }, inProject);
  }
  const inTenant = shortfallOf(limits.tenant, usage.tenant.used, needs);
  if (!inTenant) return null;
  const tenant = await getTenant(db, need.tenantId);
  return quotaExceeded(need, { scope: "tenant", scopeName: tenant?.name ?? need.tenantId }, inTenant);
}

const quotaExceeded = (
  need: { what: string; field: "size" | null },
  where: { scope: "project" | "tenant"; scopeName: string },
  shortfall: NonNullable<ReturnType<typeof shortfallOf>>,
): DomainError => ({ code: "QUOTA_EXCEEDED", ...where, shortfall, what: need.what, field: need.field });

/**
 * One command's claim on capacity: `guard` makes the need a condition of the batch; `refused` is the
 * command's `onRefused`; `answer` turns that refusal into the QUOTA_EXCEEDED of the moment (what is
 * left now that another write took the capacity), read after the batch failed.
 */
export function capacityClaim(db: SqlDatabase, what: string) {
  let claimed: CapacityNeed | null = null;
  let refused = false;
  return {
    guard(need: CapacityNeed): CommitGuard {
      claimed = need;
      return quotaGuard(db, need);
    },
    refused(streamId: string): Result<never, DomainError> {
      refused = true;
      return err({ code: "CONCURRENT_MODIFICATION", streamId });
    },
    async answer<T>(result: Result<T, DomainError>): Promise<Result<T, DomainError>> {
      if (!refused || claimed === null || result.ok) return result;
      const now = await quotaRefusal(db, { ...claimed, what, field: null });
      return now ? err(now) : result;
    },
  };
}

/** A VM resized to `to`: it holds `to` instead of what it holds now, and counts as no new VM. */
export const resizeNeed = (
  tenantId: string,
  vm: { projectId: string; requestId: string },
  to: VmSpec,
): CapacityNeed => ({
  tenantId,
  projectId: vm.projectId,
  needs: amountsOf(to, 0),
  replacing: vm.requestId,
});
