import { isAdmin, type Principal } from "../auth/principal.ts";

/** A request as the calls through its site's agent need it. */
export interface RequestSite {
  status: string;
  vmwareId: string | null;
  /** the VM's address on record (null until one is known) */
  ipAddress: string | null;
  siteId: string;
  siteName: string;
}

/**
 * The site a request's VM belongs to, or null when the caller may not see the request (the rule of
 * `requests.get`: same tenant, and an admin or the requester), so callers answer both like a missing one.
 */
export async function visibleRequestSite(
  db: D1Database,
  principal: Principal,
  requestId: string,
): Promise<RequestSite | null> {
  const row = await db
    .prepare(
      `SELECT r.status, r.vmware_id, r.ip_address, r.requester_id, p.site_id, s.name AS site_name FROM request_summary r
       JOIN projects p ON p.id = r.project_id JOIN sites s ON s.id = p.site_id
       WHERE r.tenant_id = ? AND r.request_id = ?`,
    )
    .bind(principal.tenantId, requestId)
    .first<{
      status: string;
      vmware_id: string | null;
      ip_address: string | null;
      requester_id: string;
      site_id: string;
      site_name: string;
    }>();
  if (!row || (!isAdmin(principal) && row.requester_id !== principal.userId)) return null;
  return {
    status: row.status,
    vmwareId: row.vmware_id,
    ipAddress: row.ip_address,
    siteId: row.site_id,
    siteName: row.site_name,
  };
}
