import type { SiteInventory } from "../agent-hub/agent-hub.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { getProject, getSite, type ProjectRecord, type SiteRecord } from "./reference-data.ts";
import { siteInventory } from "./sites.ts";

/** A project of the caller's tenant, its site, and the inventory the site's agent last reported. */
export interface ProjectInventory {
  project: ProjectRecord;
  /** null only if the project points at a site of another tenant (never written, but never trusted) */
  site: SiteRecord | null;
  /** null until an agent of the site reports */
  inventory: SiteInventory | null;
}

/**
 * What the request form may offer for a project, from the hub's cached inventory (the form never waits
 * for vCenter). null when the project is not the tenant's: the same answer as for a missing one.
 */
export async function projectInventory(
  env: Env,
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectInventory | null> {
  const project = await getProject(db, scope);
  if (!project) return null;
  const site = await getSite(db, { tenantId: scope.tenantId, siteId: project.siteId });
  const inventory = site ? await siteInventory(env, site.id) : null;
  return { project, site, inventory };
}
