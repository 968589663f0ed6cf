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
