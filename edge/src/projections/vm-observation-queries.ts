import type { VmPowerState } from "@gantry/shared/domain/vm-actions";
import type { SqlDatabase } from "../event-store/stored-event.ts";

/** What the read model believes of a READY (or missing) VM of one site: enough to tell a drift candidate. */
export interface BelievedVm {
  vmId: string;
  vmwareId: string;
  busy: boolean;
  /** GONE: vCenter lost it; seen again, it is back */
  missing: boolean;
  name: string;
  powerState: VmPowerState;
  cpu: number;
  memoryMb: number;
  diskGb: number;
}

interface Row {
  request_id: string;
  vmware_id: string;
  vm_action_id: string | null;
  vm_status: string;
  vm_name: string;
  vm_power_state: VmPowerState;
  cpu: number;
  memory_mb: number;
  disk_gb: number;
}

/**
 * The READY and missing (GONE) VMs among `vmIds` that belong to the tenant's `siteId`, in one read: an agent's drift report
 * is checked against these, and only VMs whose facts differ are loaded and decided on. A VM of another
 * tenant or site (the same vCenter may serve several) is simply not among them.
 */
export async function believedVms(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; vmIds: readonly string[] },
): Promise<Map<string, BelievedVm>> {
  if (input.vmIds.length === 0) return new Map();
  const placeholders = input.vmIds.map(() => "?").join(", ");
  const { results } = await db
    .prepare(
      `SELECT r.request_id, r.vmware_id, r.vm_action_id, r.vm_status, r.vm_name, r.vm_power_state,
              COALESCE(r.vm_cpu, r.cpu) AS cpu, COALESCE(r.vm_memory_mb, r.memory_gb * 1024) AS memory_mb,
              COALESCE(r.vm_disk_gb, r.disk_gb) AS disk_gb
       FROM request_summary r JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
       WHERE r.tenant_id = ? AND p.site_id = ? AND r.vm_status IN ('READY', 'GONE') AND r.request_id IN (${placeholders})`,
    )
    .bind(input.tenantId, input.siteId, ...input.vmIds)
    .all<Row>();
  return new Map(
    results.map((r) => [
      r.request_id,
      {
        vmId: r.request_id,
        vmwareId: r.vmware_id,
        busy: r.vm_action_id !== null,
        missing: r.vm_status === "GONE",
        name: r.vm_name,
        powerState: r.vm_power_state,
        cpu: r.cpu,
        memoryMb: r.memory_mb,
        diskGb: r.disk_gb,
      },
    ]),
  );
}
