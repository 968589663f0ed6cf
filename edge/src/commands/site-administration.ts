import type { CreateSiteInput, RenameSiteInput } from "@gantry/shared/api/settings";
import { err, ok, type Result } from "@gantry/shared/result";
import type { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { liveAgentsBySite } from "../tenancy/agent-registry.ts";
import { liveProjectsOfSite } from "../tenancy/projects.ts";
import { archiveSite, getSiteState, insertSite, renameSite, siteSlugTaken } from "../tenancy/sites.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent } from "./record-tenancy-event.ts";
import { fieldRefusal, type SettingsError } from "./settings-error.ts";

/**
 * An admin creates a site; its agents enroll with tokens made for it (the agents page) and its placement
 * is picked from their inventory (the site's settings page).
 */
export async function createSite(
  deps: CommandDeps,
  input: { principal: Principal; site: z.output<typeof CreateSiteInput> },
): Promise<Result<{ siteId: string }, SettingsError>> {
  const { principal, site } = input;
  const tenantId = principal.tenantId;
  const slugTaken = () => siteSlugTaken(deps.db, { tenantId, slug: site.slug });
  const taken = fieldRefusal("slug", "is already used by another site", site.slug);
  if (await slugTaken()) return err(taken);
  const siteId = `site-${deps.newId()}`;
  try {
    const recorded = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.site(siteId),
      event: { type: "SiteCreated", data: { siteId, ...site } },
      actor: personActor(principal),
      sideEffects: [insertSite(deps.db, { tenantId, siteId, ...site, now: deps.clock().toISOString() })],
    });
    return recorded.ok ? ok({ siteId }) : err({ code: "CONCURRENT_MODIFICATION" });
  } catch (error) {
    // UNIQUE (tenant_id, slug): another admin created a site of this slug meanwhile
    if (error instanceof EventStoreUnavailableError && (await slugTaken())) return err(taken);
    throw error;
  }
}

export async function renameSiteSettings(
  deps: CommandDeps,
  input: { principal: Principal } & z.output<typeof RenameSiteInput>,
): Promise<Result<{ siteId: string }, SettingsError>> {
  const { principal, siteId, name } = input;
  const tenantId = principal.tenantId;
  const site = await getSiteState(deps.db, { tenantId, siteId });
  if (!site) return err({ code: "NOT_FOUND", what: "site" });
  if (site.archivedAt !== null)
    return err({ code: "IN_USE", message: "this site is archived; it can no longer be changed" });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.site(siteId),
    event: { type: "SiteRenamed", data: { siteId, name } },
    actor: personActor(principal),
    sideEffects: [renameSite(deps.db, { tenantId, siteId, name, now: deps.clock().toISOString() })],
  });
  return recorded.ok ? ok({ siteId }) : err({ code: "CONCURRENT_MODIFICATION" });
}

/** Archives a site no live project uses and no agent serves (revoke its agents first). Nothing is deleted. */
export async function archiveSiteSettings(
  deps: CommandDeps,
  input: { principal: Principal; siteId: string },
): Promise<Result<{ siteId: string }, SettingsError>> {
  const { principal, siteId } = input;
  const tenantId = principal.tenantId;
  const site = await getSiteState(deps.db, { tenantId, siteId });
  if (!site) return err({ code: "NOT_FOUND", what: "site" });
  if (site.archivedAt !== null) return ok({ siteId });
  const [projects, agents] = await Promise.all([
    liveProjectsOfSite(deps.db, { tenantId, siteId }),
    liveAgentsBySite(deps.db, tenantId),
  ]);
  const agentCount = agents.get(siteId) ?? 0;
  if (projects > 0 || agentCount > 0)
    return err({
      code: "IN_USE",
      message: `cannot archive: ${projects} live project(s) and ${agentCount} agent(s) still use this site; archive or move the projects and revoke the agents first`,
    });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.site(siteId),
    event: { type: "SiteArchived", data: { siteId } },
    actor: personActor(principal),
    sideEffects: [archiveSite(deps.db, { tenantId, siteId, now: deps.clock().toISOString() })],
  });
  return recorded.ok ? ok({ siteId }) : err({ code: "CONCURRENT_MODIFICATION" });
}
