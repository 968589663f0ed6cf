import type { LastScan, MissingVm, UnownedVmRow } from "@gantry/shared/api/reconciliation";
import type { VmPowerState } from "@gantry/shared/domain/vm-actions";
import type { SiteScanned } from "@gantry/shared/events/tenancy";
import type { z } from "zod";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The only module with SQL against `site_scans` and `unowned_vms` (migrations 0028, 0029): the projection of
// SiteScanned and of an unowned VM's destruction, written in the event's own batch, and the page's reads.

type Scanned = z.infer<typeof SiteScanned>["data"];

/** The statements that make a scan's result what the page shows: the last scan, the unowned list. */
export function siteScannedStatements(
  db: SqlDatabase,
  input: { tenantId: string; finishedAt: string; scan: Scanned },
): D1PreparedStatement[] {
  const { tenantId, finishedAt, scan } = input;
  return [
    db
      .prepare(
        `INSERT INTO site_scans (site_id, tenant_id, scan_id, agent_id, trigger, started_at, finished_at,
           duration_ms, round_trips, marker_vms, unowned, missing, drifted, reappeared)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (site_id) DO UPDATE SET scan_id = ?3, agent_id = ?4, trigger = ?5, started_at = ?6,
           finished_at = ?7, duration_ms = ?8, round_trips = ?9, marker_vms = ?10, unowned = ?11,
           missing = ?12, drifted = ?13, reappeared = ?14
         WHERE site_scans.tenant_id = ?2`,
      )
      .bind(
        scan.siteId,
        tenantId,
        scan.scanId,
        scan.agentId,
        scan.trigger,
        scan.startedAt,
        finishedAt,
        scan.durationMs,
        scan.roundTrips,
        scan.markerVms,
        scan.unowned,
        scan.missing,
        scan.drifted,
        scan.reappeared,
      ),
    db.prepare("DELETE FROM unowned_vms WHERE tenant_id = ? AND site_id = ?").bind(tenantId, scan.siteId),
    ...scan.unownedVms.map((vm) =>
      db
        .prepare(
          `INSERT INTO unowned_vms (tenant_id, site_id, vmware_id, instance_uuid, marker_request_id, name,
             power_state, cpu, memory_mb, disk_gb, scan_id, seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          tenantId,
          scan.siteId,
          vm.vmwareId,
          vm.instanceUuid,
          vm.markerRequestId,
          vm.name,
          vm.powerState,
          vm.cpu,
          vm.memoryMb,
          vm.diskGb,
          scan.scanId,
          finishedAt,
        ),
    ),
  ];
}

/**
 * Sites with a connected agent whose last scan finished before `finishedBefore` (or never ran): the
 * cron's due list, a bounded number per minute.
 */
export async function sitesDueForScan(
  db: SqlDatabase,
  input: { finishedBefore: string; limit: number },
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT a.site_id FROM agents a LEFT JOIN site_scans s ON s.site_id = a.site_id
       WHERE a.connected = 1 AND a.revoked_at IS NULL AND (s.finished_at IS NULL OR s.finished_at < ?)
       LIMIT ?`,
    )
    .bind(input.finishedBefore, input.limit)
    .all<{ site_id: string }>();
  return results.map((r) => r.site_id);
}

interface ScanRow {
  scan_id: string;
  agent_id: string;
  trigger: LastScan["trigger"];
  started_at: string;
  finished_at: string;
  duration_ms: number;
  round_trips: number;
  marker_vms: number;
  unowned: number;
  missing: number;
  drifted: number;
  reappeared: number;
}

/** The site's last scan, if it ever had one. */
export async function lastScanOf(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string },
): Promise<LastScan | null> {
  const row = await db
    .prepare("SELECT * FROM site_scans WHERE tenant_id = ? AND site_id = ?")
    .bind(input.tenantId, input.siteId)
    .first<ScanRow>();
  if (!row) return null;
  return {
    scanId: row.scan_id,
    agentId: row.agent_id,
    trigger: row.trigger,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    roundTrips: row.round_trips,
    markerVms: row.marker_vms,
    unowned: row.unowned,
    missing: row.missing,
    drifted: row.drifted,
    reappeared: row.reappeared,
  };
}

/** Which unowned VM row: the site's moref still carrying the marker value the scan saw. */
export interface UnownedVmKey {
  tenantId: string;
  siteId: string;
  vmwareId: string;
  markerRequestId: string;
}

const WHERE_UNOWNED = "tenant_id = ? AND site_id = ? AND vmware_id = ? AND marker_request_id = ?";
const bindKey = (key: UnownedVmKey) => [key.tenantId, key.siteId, key.vmwareId, key.markerRequestId];

/** Its destruction's job runs: the page says so. */
export const unownedVmDestroyingStatement = (db: SqlDatabase, key: UnownedVmKey, jobId: string) =>
  db.prepare(`UPDATE unowned_vms SET destroy_job_id = ? WHERE ${WHERE_UNOWNED}`).bind(jobId, ...bindKey(key));

/** Its adoption's job runs: the page says so. */
export const unownedVmAdoptingStatement = (db: SqlDatabase, key: UnownedVmKey, jobId: string) =>
  db.prepare(`UPDATE unowned_vms SET adopt_job_id = ? WHERE ${WHERE_UNOWNED}`).bind(jobId, ...bindKey(key));

/** Its adoption failed: listed as before. */
export const unownedVmAdoptFailedStatement = (db: SqlDatabase, key: UnownedVmKey, jobId: string) =>
  db
    .prepare(`UPDATE unowned_vms SET adopt_job_id = NULL WHERE ${WHERE_UNOWNED} AND adopt_job_id = ?`)
    .bind(...bindKey(key), jobId);

/** It was destroyed (or adopted): it leaves the page. */
export const unownedVmDestroyedStatement = (db: SqlDatabase, key: UnownedVmKey) =>
  db.prepare(`DELETE FROM unowned_vms WHERE ${WHERE_UNOWNED}`).bind(...bindKey(key));

/** Its destruction failed: listed as before (until the next scan says otherwise). */
export const unownedVmDestroyFailedStatement = (db: SqlDatabase, key: UnownedVmKey, jobId: string) =>
  db
    .prepare(`UPDATE unowned_vms SET destroy_job_id = NULL WHERE ${WHERE_UNOWNED} AND destroy_job_id = ?`)
    .bind(...bindKey(key), jobId);

interface UnownedRow {
  vmware_id: string;
  instance_uuid: string | null;
  marker_request_id: string;
  name: string;
  power_state: VmPowerState;
  cpu: number;
  memory_mb: number;
  disk_gb: number;
  seen_at: string;
  destroy_job_id: string | null;
  adopt_job_id: string | null;
}

const toUnownedVm = (r: UnownedRow): UnownedVmRow => ({
  vmwareId: r.vmware_id,
  instanceUuid: r.instance_uuid,
  markerRequestId: r.marker_request_id,
  name: r.name,
  powerState: r.power_state,
  cpu: r.cpu,
  memoryMb: r.memory_mb,
  diskGb: r.disk_gb,
  seenAt: r.seen_at,
  destroying: r.destroy_job_id !== null,
  adopting: r.adopt_job_id !== null,
});

/** One unowned VM of the tenant's site as the last scan listed it; null when it is not (or not this tenant's). */
export async function unownedVmOf(db: SqlDatabase, key: UnownedVmKey): Promise<UnownedVmRow | null> {
  const row = await db
    .prepare(`SELECT * FROM unowned_vms WHERE ${WHERE_UNOWNED}`)
    .bind(...bindKey(key))
    .first<UnownedRow>();
  return row ? toUnownedVm(row) : null;
}

/** The marker VMs of the site's last scan that no live Gantry VM owns, by name. */
export async function unownedVmsOf(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string },
): Promise<UnownedVmRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM unowned_vms WHERE tenant_id = ? AND site_id = ? ORDER BY name, vmware_id")
    .bind(input.tenantId, input.siteId)
    .all<UnownedRow>();
  return results.map(toUnownedVm);
}

interface MissingRow {
  request_id: string;
  vm_name: string;
  vmware_id: string;
  requester_id: string;
  requester_name: string;
  project_id: string;
}

/** The site's Gantry VMs vCenter no longer has (vm_status GONE), by name. */
export async function missingVmsOf(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string },
): Promise<MissingVm[]> {
  const { results } = await db
    .prepare(
      `SELECT r.request_id, r.vm_name, r.vmware_id, r.requester_id, r.requester_name, r.project_id
       FROM request_summary r JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
       WHERE r.tenant_id = ? AND p.site_id = ? AND r.vm_status = 'GONE' ORDER BY r.vm_name LIMIT 500`,
    )
    .bind(input.tenantId, input.siteId)
    .all<MissingRow>();
  return results.map((r) => ({
    vmId: r.request_id,
    name: r.vm_name,
    vmwareId: r.vmware_id,
    owner: { id: r.requester_id, name: r.requester_name },
    projectId: r.project_id,
  }));
}
