import type { SqlDatabase } from "../event-store/stored-event.ts";
import { getProject, type ProjectRecord } from "./projects.ts";
import type { ReadSiteInventory, SiteInventory } from "./site-inventory.ts";
import { getSite, type SiteRecord } from "./sites.ts";

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
  db: SqlDatabase,
  input: { tenantId: string; projectId: string; inventoryOf: ReadSiteInventory },
): Promise<ProjectInventory | null> {
  const project = await getProject(db, input);
  if (!project) return null;
  const site = await getSite(db, { tenantId: input.tenantId, siteId: project.siteId });
  const inventory = site ? await input.inventoryOf(site.id) : null;
  return { project, site, inventory };
}
