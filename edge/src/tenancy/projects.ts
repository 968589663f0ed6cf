import type { SqlDatabase } from "../event-store/stored-event.ts";

export interface ProjectRecord {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
  vmPrefix: string;
  siteId: string;
}

interface ProjectRow {
  id: string;
  tenant_id: string;
  slug: string;
  name: string;
  vm_prefix: string;
  site_id: string;
}

const toProject = (r: ProjectRow): ProjectRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  slug: r.slug,
  name: r.name,
  vmPrefix: r.vm_prefix,
  siteId: r.site_id,
});

/** A project of the tenant; another tenant's project reads like a missing one. */
export async function getProject(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectRecord | null> {
  const row = await db
    .prepare(
      "SELECT id, tenant_id, slug, name, vm_prefix, site_id FROM projects WHERE id = ? AND tenant_id = ?",
    )
    .bind(scope.projectId, scope.tenantId)
    .first<ProjectRow>();
  return row ? toProject(row) : null;
}

export async function listProjects(db: SqlDatabase, tenantId: string): Promise<ProjectRecord[]> {
  const { results } = await db
    .prepare(
      "SELECT id, tenant_id, slug, name, vm_prefix, site_id FROM projects WHERE tenant_id = ? ORDER BY name",
    )
    .bind(tenantId)
    .all<ProjectRow>();
  return results.map(toProject);
}
