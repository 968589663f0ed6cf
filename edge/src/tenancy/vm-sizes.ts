import { DEFAULT_SIZES, type VmSize, type VmSpec } from "@gantry/shared/domain/vm-size";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// the vm_sizes table (migration 0021), the tenant's size catalogue: read and written only here. Each
// write is one statement, committed with its tenancy event in one batch.

export interface CatalogueSize {
  code: VmSize;
  label: string;
  spec: VmSpec;
  retiredAt: string | null;
}

interface SizeRow {
  code: string;
  label: string;
  cpu: number;
  memoryGb: number;
  diskGb: number;
  retiredAt: string | null;
}

const SELECT_SIZES = `SELECT code, label, cpu, memory_gb AS memoryGb, disk_gb AS diskGb, retired_at AS retiredAt
  FROM vm_sizes`;

const toSize = ({ code, label, cpu, memoryGb, diskGb, retiredAt }: SizeRow): CatalogueSize => ({
  code,
  label,
  spec: { cpu, memoryGb, diskGb },
  retiredAt,
});

/** The tenant's sizes in the order the form lists them; retired ones only when asked (history, settings). */
export async function listSizes(
  db: SqlDatabase,
  tenantId: string,
  options: { retired: boolean },
): Promise<CatalogueSize[]> {
  const { results } = await db
    .prepare(`${SELECT_SIZES} WHERE tenant_id = ?1 AND (?2 OR retired_at IS NULL) ORDER BY position, code`)
    .bind(tenantId, options.retired ? 1 : 0)
    .all<SizeRow>();
  return results.map(toSize);
}

/** One size of the tenant, retired or not; another tenant's code reads like a missing one. */
export async function getSize(
  db: SqlDatabase,
  scope: { tenantId: string; code: string },
): Promise<CatalogueSize | null> {
  const row = await db
    .prepare(`${SELECT_SIZES} WHERE tenant_id = ? AND code = ?`)
    .bind(scope.tenantId, scope.code)
    .first<SizeRow>();
  return row ? toSize(row) : null;
}

/** The spec a request or a resize gets for a code: only a size the tenant still offers. */
export async function offeredSpec(
  db: SqlDatabase,
  scope: { tenantId: string; code: string },
): Promise<VmSpec | null> {
  const size = await getSize(db, scope);
  return size && size.retiredAt === null ? size.spec : null;
}

export interface SizeValues {
  tenantId: string;
  code: VmSize;
  label: string;
  spec: VmSpec;
}

/** A new size, listed after the tenant's others; the primary key refuses a code the tenant already has. */
export const insertSize = (db: SqlDatabase, size: SizeValues & { now: string }): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO vm_sizes (tenant_id, code, label, cpu, memory_gb, disk_gb, position, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6,
         (SELECT coalesce(max(position), 0) + 1 FROM vm_sizes WHERE tenant_id = ?1), ?7)`,
    )
    .bind(
      size.tenantId,
      size.code,
      size.label,
      size.spec.cpu,
      size.spec.memoryGb,
      size.spec.diskGb,
      size.now,
    );

/** New values for an offered size (the command checked no request used it). */
export const updateSize = (db: SqlDatabase, size: SizeValues): D1PreparedStatement =>
  db
    .prepare(
      `UPDATE vm_sizes SET label = ?, cpu = ?, memory_gb = ?, disk_gb = ?
       WHERE tenant_id = ? AND code = ? AND retired_at IS NULL`,
    )
    .bind(size.label, size.spec.cpu, size.spec.memoryGb, size.spec.diskGb, size.tenantId, size.code);

export const retireSize = (
  db: SqlDatabase,
  scope: { tenantId: string; code: string; at: string },
): D1PreparedStatement =>
  db
    .prepare("UPDATE vm_sizes SET retired_at = ? WHERE tenant_id = ? AND code = ? AND retired_at IS NULL")
    .bind(scope.at, scope.tenantId, scope.code);

/** A new tenant's default catalogue (S/M/L/XL), with its onboarding's batch. */
export const insertDefaultSizes = (
  db: SqlDatabase,
  scope: { tenantId: string; now: string },
): D1PreparedStatement[] =>
  DEFAULT_SIZES.map((size) => insertSize(db, { tenantId: scope.tenantId, ...size, now: scope.now }));
