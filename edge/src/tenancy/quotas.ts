import { QuotaLimits, UNLIMITED } from "@gantry/shared/domain/quota";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The one owner of `quotas` (migration 0030): a tenant's own quota (project_id '') and each project's.
// Every lookup is scoped by tenant. (The approval's guard in commands/quota-guard.ts reads the same
// rows inside its batch; see there.)

export const TENANT_QUOTA_ROW = "";

interface QuotaRow {
  project_id: string;
  vcpu: number | null;
  memory_gb: number | null;
  disk_gb: number | null;
  vms: number | null;
}

// the CHECKs hold the same rules, so a row that parses badly is a bug worth failing loudly on
const toLimits = (r: QuotaRow): QuotaLimits =>
  QuotaLimits.parse({ vcpu: r.vcpu, memoryGb: r.memory_gb, diskGb: r.disk_gb, vms: r.vms });

/** Every quota of the tenant by project id ('' for the tenant's own); a scope with none is unlimited. */
export async function tenantQuotas(db: SqlDatabase, tenantId: string): Promise<Map<string, QuotaLimits>> {
  const { results } = await db
    .prepare("SELECT project_id, vcpu, memory_gb, disk_gb, vms FROM quotas WHERE tenant_id = ?")
    .bind(tenantId)
    .all<QuotaRow>();
  return new Map(results.map((r) => [r.project_id, toLimits(r)]));
}

/** The project's quota and the tenant's (unlimited where none is set). */
export async function quotasOf(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<{ project: QuotaLimits; tenant: QuotaLimits }> {
  const { results } = await db
    .prepare(
      "SELECT project_id, vcpu, memory_gb, disk_gb, vms FROM quotas WHERE tenant_id = ? AND project_id IN (?, ?)",
    )
    .bind(scope.tenantId, scope.projectId, TENANT_QUOTA_ROW)
    .all<QuotaRow>();
  const of = (id: string) => {
    const row = results.find((r) => r.project_id === id);
    return row ? toLimits(row) : UNLIMITED;
  };
  return { project: of(scope.projectId), tenant: of(TENANT_QUOTA_ROW) };
}

/** The write that sets the tenant's own quota (projectId null) or a project's. */
export function quotaWrite(
  db: SqlDatabase,
  input: { tenantId: string; projectId: string | null; limits: QuotaLimits; by: string; at: string },
): D1PreparedStatement {
  const { limits } = input;
  return db
    .prepare(
      `INSERT INTO quotas (tenant_id, project_id, vcpu, memory_gb, disk_gb, vms, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, project_id) DO UPDATE SET
         vcpu = excluded.vcpu, memory_gb = excluded.memory_gb, disk_gb = excluded.disk_gb, vms = excluded.vms,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(
      input.tenantId,
      input.projectId ?? TENANT_QUOTA_ROW,
      limits.vcpu,
      limits.memoryGb,
      limits.diskGb,
      limits.vms,
      input.at,
      input.by,
    );
}
