import type { ProjectNetworks } from "@gantry/shared/api/catalog";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { projectInventory } from "./project-inventory.ts";
import type { ReadSiteInventory } from "./site-inventory.ts";

/**
 * The networks a request for this project may use: those its site's agent reported, from the hub's
 * cached inventory (the form never waits for vCenter). null when the project is not the tenant's.
 */
export async function projectNetworks(
  db: SqlDatabase,
  input: { tenantId: string; projectId: string; inventoryOf: ReadSiteInventory },
): Promise<ProjectNetworks | null> {
  const found = await projectInventory(db, input);
  if (!found) return null;
  const { project, site, inventory } = found;
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
