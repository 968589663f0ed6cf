import type { InventoryReport } from "@gantry/shared/jobs/inventory";

/** The latest inventory a site's agents reported, as the site's hub keeps it. */
export interface SiteInventory {
  report: InventoryReport;
  agentId: string;
  receivedAt: string;
}

/**
 * Reads a site's cached inventory: the site's AgentHub in production (`deps.ts`), never vCenter
 * directly, so a form never waits for vCenter. Null until an agent of the site reports.
 */
export type ReadSiteInventory = (siteId: string) => Promise<SiteInventory | null>;
