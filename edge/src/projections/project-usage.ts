import type { SqlDatabase } from "../event-store/stored-event.ts";
import { VM_NAMES } from "./vm-names.ts";

/**
 * How much a project is in use: `requests` ever made in it (its slug, VM prefix and site are fixed once it
 * has any: history and vCenter name them) and `live` ones, pending to ready (it cannot be archived while
 * it has any).
 */
export interface ProjectUsage {
  requests: number;
  live: number;
}

const NONE: ProjectUsage = { requests: 0, live: 0 };

/** Each project of the tenant that has ever had a request; the others are unused. */
export async function projectUsage(db: SqlDatabase, tenantId: string): Promise<Map<string, ProjectUsage>> {
  const { results } = await db
    .prepare(
      `SELECT r.project_id AS projectId, count(*) AS requests,
         (SELECT count(*) FROM ${VM_NAMES} n WHERE n.tenant_id = r.tenant_id AND n.project_id = r.project_id) AS live
       FROM request_summary r WHERE r.tenant_id = ? GROUP BY r.project_id`,
    )
    .bind(tenantId)
    .all<ProjectUsage & { projectId: string }>();
  return new Map(results.map(({ projectId, ...usage }) => [projectId, usage]));
}

export async function usageOfProject(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectUsage> {
  const row = await db
    .prepare(
      `SELECT (SELECT count(*) FROM request_summary WHERE tenant_id = ?1 AND project_id = ?2) AS requests,
         (SELECT count(*) FROM ${VM_NAMES} WHERE tenant_id = ?1 AND project_id = ?2) AS live`,
    )
    .bind(scope.tenantId, scope.projectId)
    .first<ProjectUsage>();
  return row ?? NONE;
}
