import type { VmStatus } from "@gantry/shared/domain/request-status";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { SiteVm } from "../provisioning/reconcile-scan.ts";

interface Row {
  request_id: string;
  status: string;
  vm_status: VmStatus | null;
  vmware_id: string | null;
  vm_ready_at: string | null;
  ip_address: string | null;
  hostname: string | null;
}

/**
 * Every VM Gantry believes in at the tenant's site, or is building there now: what a reconciliation scan
 * is compared with. Deleted and failed requests are not among them (their marker VMs are unowned).
 */
export async function siteVmsForScan(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string },
): Promise<SiteVm[]> {
  const { results } = await db
    .prepare(
      `SELECT r.request_id, r.status, r.vm_status, r.vmware_id, r.vm_ready_at, r.ip_address, r.hostname
       FROM request_summary r JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
       WHERE r.tenant_id = ? AND p.site_id = ?
         AND (r.vm_status IN ('READY', 'GONE') OR r.status IN ('APPROVED', 'PROVISIONING'))`,
    )
    .bind(input.tenantId, input.siteId)
    .all<Row>();
  return results.map((r) => ({
    vmId: r.request_id,
    building: r.status === "APPROVED" || r.status === "PROVISIONING",
    vmStatus: r.vm_status === "READY" || r.vm_status === "GONE" ? r.vm_status : null,
    vmwareId: r.vmware_id,
    readyAt: r.vm_ready_at,
    ipAddress: r.ip_address,
    hostname: r.hostname,
  }));
}
