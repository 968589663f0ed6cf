import type { ListedVmStatus, VmLeaseView, VmListItem } from "@gantry/shared/api/vms";
import type { VmActionKind, VmPowerState } from "@gantry/shared/domain/vm-actions";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import { StepDetail, type VmActionStep } from "@gantry/shared/jobs/vm-action-job";
import { actionMessage } from "./vm-messages.ts";

/** A VM's summary row (request_summary after READY) with its project's name; every VM read selects this. */
export const VM_SELECT = `SELECT r.*, p.name AS project_name, p.site_id, s.name AS site_name FROM request_summary r
  LEFT JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
  LEFT JOIN sites s ON s.id = p.site_id AND s.tenant_id = r.tenant_id`;

// column types as the projection writes them (only ever values of these enums)
export interface VmRow {
  tenant_id: string;
  request_id: string;
  requester_id: string;
  requester_name: string;
  requester_email: string;
  project_id: string;
  project_name: string | null;
  site_id: string | null;
  site_name: string | null;
  name: string;
  size: VmSize;
  cpu: number;
  memory_gb: number;
  disk_gb: number;
  updated_at: string;
  vmware_id: string | null;
  vm_name: string | null;
  hostname: string | null;
  ip_address: string | null;
  vm_status: ListedVmStatus;
  vm_ready_at: string;
  vm_power_state: VmPowerState | null;
  vm_size: VmSize | null;
  vm_cpu: number | null;
  vm_memory_mb: number | null;
  vm_disk_gb: number | null;
  vm_action_id: string | null;
  vm_action_kind: VmActionKind | null;
  vm_action_step: VmActionStep | null;
  vm_action_detail: string | null;
  vm_action_by: string | null;
  vm_action_by_name: string | null;
  vm_action_at: string | null;
  vm_action_deadline: string | null;
  vm_resize_approval_id: string | null;
  vm_resize_to: VmSize | null;
  vm_resize_by: string | null;
  vm_resize_by_name: string | null;
  vm_resize_reason: string | null;
  vm_resize_power_cycle: number | null;
  vm_resize_at: string | null;
  vm_drifted_at: string | null;
  vm_snapshot_count: number;
  vm_expires_at: string | null;
  vm_lease_phase: VmLeaseView["phase"] | null;
  vm_lease_destroy_at: string | null;
  vm_lease_next_at: string | null;
  vm_extension_approval_id: string | null;
  vm_extension_to: string | null;
  vm_extension_by: string | null;
  vm_extension_by_name: string | null;
  vm_extension_reason: string | null;
  vm_extension_at: string | null;
}

const detailOf = (raw: string | null): StepDetail => {
  if (raw === null) return {};
  try {
    const parsed = StepDetail.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
};

function runningAction(row: VmRow): VmListItem["action"] {
  const {
    vm_action_id: actionId,
    vm_action_kind: kind,
    vm_action_at: at,
    vm_action_deadline: deadline,
  } = row;
  if (actionId === null || kind === null || at === null || deadline === null) return null;
  const step = row.vm_action_step;
  return {
    actionId,
    kind,
    step,
    message: actionMessage(kind, step, detailOf(row.vm_action_detail)),
    requestedBy: { id: row.vm_action_by ?? "", name: row.vm_action_by_name },
    requestedAt: at,
    deadline,
  };
}

function leaseOf(row: VmRow): VmLeaseView | null {
  if (row.vm_lease_phase === null) return null;
  const { vm_extension_approval_id: approvalId, vm_extension_to: expiresAt } = row;
  return {
    phase: row.vm_lease_phase,
    destroyAt: row.vm_lease_destroy_at,
    pendingExtension: approvalId === null || expiresAt === null ? null : { approvalId, expiresAt },
  };
}

export function toVmListItem(row: VmRow): VmListItem {
  return {
    vmId: row.request_id,
    requestId: row.request_id,
    status: row.vm_status,
    name: row.name,
    vmName: row.vm_name ?? row.name,
    projectId: row.project_id,
    projectName: row.project_name,
    size: row.vm_size ?? row.size,
    spec: {
      cpu: row.vm_cpu ?? row.cpu,
      memoryGb: row.vm_memory_mb === null ? row.memory_gb : row.vm_memory_mb / 1024,
      diskGb: row.vm_disk_gb ?? row.disk_gb,
    },
    powerState: row.vm_power_state ?? "unknown",
    ipAddress: row.ip_address,
    hostname: row.hostname,
    owner: { id: row.requester_id, name: row.requester_name, email: row.requester_email },
    createdAt: row.vm_ready_at,
    updatedAt: row.updated_at,
    expiresAt: row.vm_expires_at,
    lease: leaseOf(row),
    action: runningAction(row),
    pendingResize:
      row.vm_resize_approval_id === null || row.vm_resize_to === null
        ? null
        : { approvalId: row.vm_resize_approval_id, size: row.vm_resize_to },
    driftedAt: row.vm_drifted_at,
    snapshotCount: row.vm_snapshot_count,
  };
}
