import type { SqlDatabase } from "../event-store/stored-event.ts";

// reference data (migration 0002): tenants, projects and sites; every lookup is scoped by tenant, so
// another tenant's id reads exactly like a missing one

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
}

export async function getTenant(db: SqlDatabase, tenantId: string): Promise<TenantRecord | null> {
  return db.prepare("SELECT id, slug, name FROM tenants WHERE id = ?").bind(tenantId).first<TenantRecord>();
}

/** The tenant's own cap on snapshots per VM; null when it has none (the deployment's applies). */
export async function tenantSnapshotCap(db: SqlDatabase, tenantId: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT vm_snapshot_cap FROM tenants WHERE id = ?")
    .bind(tenantId)
    .first<{ vm_snapshot_cap: number | null }>();
  return row?.vm_snapshot_cap ?? null;
}
