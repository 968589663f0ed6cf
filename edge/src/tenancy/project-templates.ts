import type { ProjectTemplates } from "@gantry/shared/api/catalog";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { projectInventory } from "./project-inventory.ts";
import type { ReadSiteInventory } from "./site-inventory.ts";

/**
 * The templates of a project's site as its agent last reported them, from the hub's cached inventory,
 * with the one the site's placement clones from. null when the project is not the tenant's.
 */
export async function projectTemplates(
  db: SqlDatabase,
  input: { tenantId: string; projectId: string; inventoryOf: ReadSiteInventory },
): Promise<ProjectTemplates | null> {
  const found = await projectInventory(db, input);
  if (!found) return null;
  const { project, site, inventory } = found;
  return {
    projectId: project.id,
    defaultPath: site?.placement?.templatePath ?? null,
    templates: (inventory?.report.templates ?? []).map((t) => ({
      path: t.path,
      name: t.name,
      cpu: t.cpu,
      memoryMb: t.memoryMb,
      diskGb: t.diskGb,
      guestId: t.guestId ?? null,
    })),
    reportedAt: inventory?.report.collectedAt ?? null,
  };
}
