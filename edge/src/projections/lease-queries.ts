import { WAITING_LONG_MS } from "@gantry/shared/api/approvals";
import type { PendingLeaseExtension } from "@gantry/shared/api/leases";
import type { Page } from "@gantry/shared/api/paging";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { withApprovalProgress } from "./request-approvals.ts";
import { type ApproverScope, onlyProjects } from "./request-queries.ts";
import { vmRowsPage } from "./vm-queries.ts";
import { toVmListItem } from "./vm-row.ts";

export interface LeaseDue {
  tenantId: string;
  vmId: string;
  siteId: string;
  nextAt: string;
}

/**
 * VMs whose lease needs the scheduler by `now` (a warning, the expiry, the end of grace), across tenants,
 * most overdue first: the cron's sweep. The partial index holds only leases with something due.
 */
export async function dueLeases(db: SqlDatabase, input: { now: string; limit: number }): Promise<LeaseDue[]> {
  const { results } = await db
    .prepare(
      `SELECT r.tenant_id, r.request_id, p.site_id, r.vm_lease_next_at
       FROM request_summary r JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
       WHERE r.vm_lease_next_at IS NOT NULL AND r.vm_lease_next_at <= ?
       ORDER BY r.vm_lease_next_at LIMIT ?`,
    )
    .bind(input.now, input.limit)
    .all<{ tenant_id: string; request_id: string; site_id: string; vm_lease_next_at: string }>();
  return results.map((r) => ({
    tenantId: r.tenant_id,
    vmId: r.request_id,
    siteId: r.site_id,
    nextAt: r.vm_lease_next_at,
  }));
}

/** Lease extensions past the policy waiting for an admin, oldest first, flagged after 48 h like requests. */
export async function pendingExtensions(
  db: SqlDatabase,
  input: { tenantId: string; page: number; pageSize: number; now: Date } & ApproverScope,
): Promise<Page<PendingLeaseExtension>> {
  const { page, pageSize } = input;
  const approver = onlyProjects(input.onlyProjects, "r.project_id");
  const scope = `r.tenant_id = ? AND r.vm_extension_approval_id IS NOT NULL AND r.vm_status = 'READY'${approver.sql}`;
  const { rows, total } = await vmRowsPage(db, {
    where: scope,
    params: [input.tenantId, ...approver.params],
    orderBy: "r.vm_extension_at ASC, r.request_id ASC",
    index: "request_summary_vm_extensions",
    page,
    pageSize,
  });
  const items = rows.flatMap((row): Omit<PendingLeaseExtension, "approvals">[] => {
    const { vm_extension_approval_id: approvalId, vm_extension_to: to, vm_extension_at: at } = row;
    if (approvalId === null || to === null || at === null) return [];
    const vm = toVmListItem(row);
    const waitingMs = Math.max(0, input.now.getTime() - Date.parse(at));
    return [
      {
        vmId: vm.vmId,
        approvalId,
        name: vm.name,
        vmName: vm.vmName,
        projectId: vm.projectId,
        projectName: vm.projectName,
        owner: vm.owner,
        expiresAt: vm.expiresAt,
        requestedExpiresAt: to,
        reason: row.vm_extension_reason,
        requestedBy: { id: row.vm_extension_by ?? "", name: row.vm_extension_by_name },
        requestedAt: at,
        waitingMs,
        waitingLong: waitingMs > WAITING_LONG_MS,
      },
    ];
  });
  // "1 of 2 approvals": what the approval policy asks of each
  return {
    items: await withApprovalProgress(db, { tenantId: input.tenantId, items }),
    page,
    pageSize,
    total,
  };
}
