import type { VmLeftover } from "@gantry/shared/api/vms";
import type { SqlDatabase } from "../event-store/stored-event.ts";

interface LeftoverRow {
  request_id: string;
  vm_name: string;
  project_id: string;
  site_name: string;
  requester_id: string;
  requester_name: string;
  leftover_at: string;
  failure_code: string | null;
  leftover_detail: string | null;
}

// a tenant rarely has more than a handful; the cap keeps a forgotten pile from growing the answer
const MAX_LISTED = 100;

/** The tenant's half-built VMs still in vCenter after a failed cleanup, oldest first. */
export async function listLeftovers(db: SqlDatabase, input: { tenantId: string }): Promise<VmLeftover[]> {
  const rows = await db
    .prepare(
      `SELECT r.request_id, p.vm_prefix || '-' || r.name AS vm_name, r.project_id, s.name AS site_name,
              r.requester_id, r.requester_name, r.leftover_at, r.failure_code, r.leftover_detail
       FROM request_summary r JOIN projects p ON p.id = r.project_id JOIN sites s ON s.id = p.site_id
       WHERE r.tenant_id = ? AND r.leftover_at IS NOT NULL
       ORDER BY r.leftover_at LIMIT ?`,
    )
    .bind(input.tenantId, MAX_LISTED)
    .all<LeftoverRow>();
  return rows.results.map((row) => ({
    requestId: row.request_id,
    vmName: row.vm_name,
    projectId: row.project_id,
    siteName: row.site_name,
    requester: { id: row.requester_id, name: row.requester_name },
    failedAt: row.leftover_at,
    // the request's failure is recorded in the same commit as the VM's
    failureCode: row.failure_code ?? "UNKNOWN",
    detail: row.leftover_detail ?? "",
  }));
}
