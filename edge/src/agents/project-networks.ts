import type { ProjectNetworks } from "@gantry/shared/api/catalog";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { getProject, getSite } from "../provisioning/reference-data.ts";
import { siteInventory } from "./site-settings.ts";

/**
 * The networks a request for this project may use: those its site's agent reported, from the hub's
 * cached inventory (the form never waits for vCenter). null when the project is not the tenant's.
 */
export async function projectNetworks(
  env: Env,
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ProjectNetworks | null> {
  const project = await getProject(db, scope);
  if (!project) return null;
  const site = await getSite(db, { tenantId: scope.tenantId, siteId: project.siteId });
  const inventory = site ? await siteInventory(env, site.id) : null;
  return {
    projectId: project.id,
    defaultPath: site?.networkPath ?? null,
    networks: (inventory?.report.networks ?? []).map((n) => ({ path: n.path, name: n.name, kind: n.kind })),
    reportedAt: inventory?.report.collectedAt ?? null,
  };
}

/** A requested network must be the site default or one the site's agent reported. */
export function isOfferedNetwork(networks: ProjectNetworks, path: string): boolean {
  return path === networks.defaultPath || networks.networks.some((n) => n.path === path);
}
