import { err, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import type { ReadSiteInventory } from "../tenancy/site-inventory.ts";
import {
  checkSiteSettings,
  type SiteError,
  type SiteSettings,
  type SiteSettingsInput,
  siteSettings,
} from "../tenancy/sites.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

/**
 * An admin sets where a site places VMs, every path checked against the inventory its agent reported;
 * the update and `SiteSettingsChanged` commit in one batch.
 */
export async function updateSiteSettings(
  deps: CommandDeps,
  input: { principal: Principal; settings: SiteSettingsInput; inventoryOf: ReadSiteInventory },
): Promise<Result<SiteSettings, SiteError | TenancyWriteError>> {
  const { principal, settings } = input;
  const tenantId = principal.tenantId;
  const update = await checkSiteSettings(deps.db, {
    tenantId,
    settings,
    now: deps.clock(),
    inventoryOf: input.inventoryOf,
  });
  if (!update.ok) return update;
  const { siteId, placement, networkPath, dnsDomain, loginUser } = settings;
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.site(siteId),
    event: { type: "SiteSettingsChanged", data: { siteId, placement, networkPath, dnsDomain, loginUser } },
    actor: personActor(principal),
    sideEffects: [update.value],
  });
  if (!recorded.ok) return err(recorded.error);
  return siteSettings(deps.db, { tenantId, siteId });
}
