import type { SqlDatabase } from "../event-store/stored-event.ts";

export interface ProjectRecord {
  id: string;
  tenantId: string;
  slug: string;
  name: string;
  vmPrefix: string;
  siteId: string;
  /** null while live; an archived project takes no new request */
  archivedAt: string | null;
}

interface ProjectRow {
  id: string;
  tenant_id: string;
  slug: string;
  name: string;
  vm_prefix: string;
  site_id: string;
  archived_at: string | null;
}

const toProject = (r: ProjectRow): ProjectRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  slug: r.slug,
  name: r.name,
  vmPrefix: r.vm_prefix,
  siteId: r.site_id,
  archivedAt: r.archived_at,
});

/** A project of the tenant; another tenant's project reads like a missing one. */
export async function getProject(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectRecord | null> {
  const row = await db
    .prepare(
      "SELECT id, tenant_id, slug, name, vm_prefix, site_id, archived_at FROM projects WHERE id = ? AND tenant_id = ?",
    )
    .bind(scope.projectId, scope.tenantId)
    .first<ProjectRow>();
  return row ? toProject(row) : null;
}

/** The tenant's live projects (an archived one takes no new request). */
export async function listProjects(db: SqlDatabase, tenantId: string): Promise<ProjectRecord[]> {
  const { results } = await db
    .prepare(
      "SELECT id, tenant_id, slug, name, vm_prefix, site_id, archived_at FROM projects WHERE tenant_id = ? AND archived_at IS NULL ORDER BY name",
    )
    .bind(tenantId)
    .all<ProjectRow>();
  return results.map(toProject);
}

// the settings area (issue 17): the statements that write a project, each committed in one batch with
// its event by commands/project-settings.ts

export interface ProjectValues {
  slug: string;
  name: string;
  vmPrefix: string;
  siteId: string;
  networkPath: string | null;
}

export interface ProjectSettingRow extends ProjectValues {
  projectId: string;
  archivedAt: string | null;
}

/** Every project of the tenant, archived ones included (the settings area shows them greyed). */
export async function listProjectSettings(db: SqlDatabase, tenantId: string): Promise<ProjectSettingRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id AS projectId, slug, name, vm_prefix AS vmPrefix, site_id AS siteId, network_path AS networkPath,
         archived_at AS archivedAt
       FROM projects WHERE tenant_id = ? ORDER BY archived_at IS NOT NULL, name`,
    )
    .bind(tenantId)
    .all<ProjectSettingRow>();
  return results;
}

/** A project of the tenant with its settings columns; null for a missing or another tenant's one. */
export async function getProjectSetting(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectSettingRow | null> {
  return db
    .prepare(
      `SELECT id AS projectId, slug, name, vm_prefix AS vmPrefix, site_id AS siteId, network_path AS networkPath,
         archived_at AS archivedAt
       FROM projects WHERE id = ? AND tenant_id = ?`,
    )
    .bind(scope.projectId, scope.tenantId)
    .first<ProjectSettingRow>();
}

/** Which of slug and prefix another project of the tenant already holds. */
export async function takenProjectKeys(
  db: SqlDatabase,
  input: { tenantId: string; slug: string; vmPrefix: string; exceptProjectId?: string },
): Promise<{ slug: boolean; vmPrefix: boolean }> {
  const row = await db
    .prepare(
      `SELECT max(slug = ?2) AS slug, max(vm_prefix = ?3) AS vmPrefix FROM projects
       WHERE tenant_id = ?1 AND id <> ?4 AND (slug = ?2 OR vm_prefix = ?3)`,
    )
    .bind(input.tenantId, input.slug, input.vmPrefix, input.exceptProjectId ?? "")
    .first<{ slug: number | null; vmPrefix: number | null }>();
  return { slug: row?.slug === 1, vmPrefix: row?.vmPrefix === 1 };
}

export const insertProject = (
  db: SqlDatabase,
  input: ProjectValues & { tenantId: string; projectId: string },
): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id, network_path)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      input.projectId,
      input.tenantId,
      input.slug,
      input.name,
      input.vmPrefix,
      input.siteId,
      input.networkPath,
    );

export const updateProject = (
  db: SqlDatabase,
  input: ProjectValues & { tenantId: string; projectId: string },
): D1PreparedStatement =>
  db
    .prepare(
      `UPDATE projects SET slug = ?, name = ?, vm_prefix = ?, site_id = ?, network_path = ?
       WHERE id = ? AND tenant_id = ?`,
    )
    .bind(
      input.slug,
      input.name,
      input.vmPrefix,
      input.siteId,
      input.networkPath,
      input.projectId,
      input.tenantId,
    );

export const archiveProject = (
  db: SqlDatabase,
  input: { tenantId: string; projectId: string; at: string },
): D1PreparedStatement =>
  db
    .prepare("UPDATE projects SET archived_at = ? WHERE id = ? AND tenant_id = ? AND archived_at IS NULL")
    .bind(input.at, input.projectId, input.tenantId);

/** How many live (not archived) projects a site serves: a site with any cannot be archived. */
export async function liveProjectsOfSite(
  db: SqlDatabase,
  scope: { tenantId: string; siteId: string },
): Promise<number> {
  const row = await db
    .prepare("SELECT count(*) AS n FROM projects WHERE tenant_id = ? AND site_id = ? AND archived_at IS NULL")
    .bind(scope.tenantId, scope.siteId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
