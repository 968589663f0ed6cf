import { Placement } from "@gantry/shared/jobs/provision-vm-job";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// reads of reference data (migration 0002); every lookup is scoped by tenant so a foreign id is "missing"

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
}

export interface ProjectRecord {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
  vmPrefix: string;
  siteId: string;
}

export interface SiteRecord {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
  /** null until an admin picks placement from the agent's inventory */
  placement: Placement | null;
  networkPath: string | null;
  updatedAt: string;
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

export async function getTenant(db: SqlDatabase, tenantId: string): Promise<TenantRecord | null> {
  return db.prepare("SELECT id, slug, name FROM tenants WHERE id = ?").bind(tenantId).first<TenantRecord>();
}

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

/**
 * A site of the tenant, with its placement parsed by the shared schema. Placement that no longer
 * parses counts as not configured, so a bad edit blocks approvals instead of sending broken jobs.
 */
export async function getSite(
  db: SqlDatabase,
  scope: { tenantId: string; siteId: string },
): Promise<SiteRecord | null> {
  const row = await db
    .prepare(
      "SELECT id, tenant_id, slug, name, placement, network_path, updated_at FROM sites WHERE id = ? AND tenant_id = ?",
    )
    .bind(scope.siteId, scope.tenantId)
    .first<{
      id: string;
      tenant_id: string;
      slug: string;
      name: string;
      placement: string | null;
      network_path: string | null;
      updated_at: string;
    }>();
  if (!row) return null;
  const placement = row.placement === null ? null : Placement.safeParse(JSON.parse(row.placement));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    slug: row.slug,
    name: row.name,
    placement: placement?.success ? placement.data : null,
    networkPath: row.network_path,
    updatedAt: row.updated_at,
  };
}
