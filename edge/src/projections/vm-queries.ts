import { type PendingResize, WAITING_LONG_MS } from "@gantry/shared/api/approvals";
import type { Page } from "@gantry/shared/api/paging";
import type { ListedVmStatus, VmListItem } from "@gantry/shared/api/vms";
import type { VmPowerState } from "@gantry/shared/domain/vm-actions";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { resizedSpec } from "../provisioning/vm-action-decider.ts";
import { listSizes } from "../tenancy/vm-sizes.ts";
import { withApprovalProgress } from "./request-approvals.ts";
import { type ApproverScope, onlyProjects } from "./request-queries.ts";
import { type SummaryIndex, throughIndex } from "./summary-row.ts";
import { toVmListItem, VM_SELECT, type VmRow } from "./vm-row.ts";

// every query is scoped by tenant first (the primary key starts with tenant_id); a VM is a summary row
// whose request reached READY (vm_status set)

interface Paging {
  page: number;
  pageSize: number;
}

export interface VmFilter {
  tenantId: string;
  /** members: themselves; admins: anyone, or everyone when absent */
  ownerId?: string | undefined;
  projectId?: string | undefined;
  status?: ListedVmStatus | undefined;
  powerState?: VmPowerState | undefined;
}

function where(filter: VmFilter): { sql: string; params: unknown[] } {
  const clauses = ["r.tenant_id = ?"];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.ownerId !== undefined) add("r.requester_id = ?", filter.ownerId);
  if (filter.projectId !== undefined) add("r.project_id = ?", filter.projectId);
  if (filter.status !== undefined) add("r.vm_status = ?", filter.status);
  else clauses.push("r.vm_status IN ('READY', 'GONE')");
  if (filter.powerState !== undefined) add("r.vm_power_state = ?", filter.powerState);
  return { sql: clauses.join(" AND "), params };
}

/** My VMs (a member's own) or the tenant's (an admin's), newest first. */
export async function listVms(db: SqlDatabase, input: Paging & VmFilter): Promise<Page<VmListItem>> {
  const { page, pageSize } = input;
  const { sql, params } = where(input);
  const { rows, total } = await vmRowsPage(db, {
    where: sql,
    params,
    orderBy: "r.vm_ready_at DESC, r.request_id DESC",
    // a member's own VMs: through their requests, not the tenant's whole history
    index: input.ownerId === undefined ? undefined : "request_summary_by_requester",
    page,
    pageSize,
  });
  return { items: rows.map(toVmListItem), page, pageSize, total };
}

/** One page of VM rows matching `where` (with its `params`), and how many match in all. */
export async function vmRowsPage(
  db: SqlDatabase,
  input: Paging & {
    where: string;
    params: readonly unknown[];
    orderBy: string;
    index: SummaryIndex | undefined;
  },
): Promise<{ rows: VmRow[]; total: number }> {
  const { page, pageSize, where: sql, params, index } = input;
  const [rows, total] = await Promise.all([
    db
      .prepare(throughIndex(`${VM_SELECT} WHERE ${sql} ORDER BY ${input.orderBy} LIMIT ? OFFSET ?`, index))
      .bind(...params, pageSize, (page - 1) * pageSize)
      .all<VmRow>(),
    db
      .prepare(throughIndex(`SELECT count(*) AS n FROM request_summary r WHERE ${sql}`, index))
      .bind(...params)
      .first<{ n: number }>(),
  ]);
  return { rows: rows.results, total: total?.n ?? 0 };
}

/** One VM's row (any status once READY), or null when the tenant has no such VM. */
export function getVmRow(db: SqlDatabase, scope: { tenantId: string; vmId: string }): Promise<VmRow | null> {
  return db
    .prepare(`${VM_SELECT} WHERE r.tenant_id = ? AND r.request_id = ? AND r.vm_status IS NOT NULL`)
    .bind(scope.tenantId, scope.vmId)
    .first<VmRow>();
}

/** Resizes up waiting for an admin, oldest first, flagged after 48 h like requests. */
export async function pendingResizes(
  db: SqlDatabase,
  input: Paging & { tenantId: string; projectId?: string | undefined; now: Date } & ApproverScope,
): Promise<Page<PendingResize>> {
  const { page, pageSize } = input;
  const project = input.projectId === undefined ? "" : " AND r.project_id = ?";
  const approver = onlyProjects(input.onlyProjects, "r.project_id");
  const params = [
    input.tenantId,
    ...(input.projectId === undefined ? [] : [input.projectId]),
    ...approver.params,
  ];
  const scope = `r.tenant_id = ? AND r.vm_resize_approval_id IS NOT NULL AND r.vm_status = 'READY'${project}${approver.sql}`;
  const [{ rows, total }, sizes] = await Promise.all([
    vmRowsPage(db, {
      where: scope,
      params,
      orderBy: "r.vm_resize_at ASC, r.request_id ASC",
      index: "request_summary_vm_resizes",
      page,
      pageSize,
    }),
    // a size a pending resize names cannot change (it is in use), so the catalogue still says what it meant
    listSizes(db, input.tenantId, { retired: true }),
  ]);
  const specOf = new Map(sizes.map((s) => [s.code, s.spec]));
  const items = rows.flatMap((row): Omit<PendingResize, "approvals">[] => {
    const { vm_resize_approval_id: approvalId, vm_resize_to: to, vm_resize_at: at } = row;
    if (approvalId === null || to === null || at === null) return [];
    const vm = toVmListItem(row);
    const target = specOf.get(to);
    if (!target) return [];
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
        from: { size: vm.size, spec: vm.spec },
        to: { size: to, spec: resizedSpec(vm.spec, target) },
        powerCycle: row.vm_resize_power_cycle === 1,
        reason: row.vm_resize_reason,
        requestedBy: { id: row.vm_resize_by ?? "", name: row.vm_resize_by_name },
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
