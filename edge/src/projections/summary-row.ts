import type { RequestSummary } from "@gantry/shared/api/requests";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import type { ProvisioningFailureCode } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";

/**
 * request_summary joined with the project's name and what its site says about networks and reaching
 * its VMs; every read of the summary selects this.
 */
export const SUMMARY_SELECT = `SELECT r.*, p.name AS project_name, p.site_id, s.network_path AS site_network_path,
    s.dns_domain AS site_dns_domain, s.login_user AS site_login_user
  FROM request_summary r
  LEFT JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
  LEFT JOIN sites s ON s.id = p.site_id AND s.tenant_id = r.tenant_id`;

// column types as written by the projection, which only ever writes values of these enums
export interface SummaryRow {
  tenant_id: string;
  request_id: string;
  version: number;
  status: VmRequestStatus;
  requester_id: string;
  requester_name: string;
  requester_email: string;
  project_id: string;
  /** the project's site (whose hub runs the request's job); null if the project is gone */
  site_id: string | null;
  project_name: string | null;
  name: string;
  size: VmSize;
  cpu: number;
  memory_gb: number;
  disk_gb: number;
  justification: string;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  stage: ProvisioningStage | null;
  stage_at: string | null;
  vmware_id: string | null;
  vm_name: string | null;
  hostname: string | null;
  ip_address: string | null;
  vm_warning: string | null;
  vm_expires_at: string | null;
  failure_code: ProvisioningFailureCode | null;
  failure_message: string | null;
  /** the requested network; null = the site's default */
  network_path: string | null;
  site_network_path: string | null;
  site_dns_domain: string | null;
  site_login_user: string | null;
}

export function toRequestSummary(row: SummaryRow): RequestSummary {
  return {
    requestId: row.request_id,
    version: row.version,
    status: row.status,
    projectId: row.project_id,
    projectName: row.project_name,
    name: row.name,
    network: {
      path: row.network_path ?? row.site_network_path,
      siteDefault: row.network_path === null,
    },
    size: row.size,
    spec: { cpu: row.cpu, memoryGb: row.memory_gb, diskGb: row.disk_gb },
    requester: { id: row.requester_id, name: row.requester_name, email: row.requester_email },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    stage: row.stage,
    vm:
      row.vmware_id === null
        ? null
        : {
            vmwareId: row.vmware_id,
            vmName: row.vm_name ?? "",
            hostname: row.hostname ?? "",
            ipAddress: row.ip_address,
            warning: row.vm_warning,
            expiresAt: row.vm_expires_at,
          },
    failure:
      row.failure_code === null ? null : { code: row.failure_code, userMessage: row.failure_message ?? "" },
  };
}

/** The indexes of `request_summary` a list may be told to read through (migrations 0003, 0015, 0026). */
export type SummaryIndex =
  | "request_summary_pending"
  | "request_summary_by_requester"
  | "request_summary_vm_resizes"
  | "request_summary_vm_extensions";

/**
 * `sql`, which reads `FROM request_summary r`, told to read through `index`. D1 keeps no planner statistics
 * unless asked, and without them SQLite takes the primary key's tenant prefix for a count or a list with a
 * partial index beside it: it reads the tenant's whole history where the index holds only what is asked.
 * A partial index must be implied by the query's WHERE, or the statement fails (the tests run each).
 */
export const throughIndex = (sql: string, index: SummaryIndex | undefined): string =>
  index === undefined
    ? sql
    : sql.replace("FROM request_summary r", `FROM request_summary r INDEXED BY ${index}`);
