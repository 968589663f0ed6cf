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

// vCenter names a distributed switch's uplink portgroup `<switch>-DVUplinks-<n>`; agents before the one
// that drops uplinks (by `config.uplink`) reported it as a network no VM can attach to
const UPLINK_NAME = /-DVUplinks-\d+$/;

/** The inventory without uplink portgroups, whichever agent version reported it. */
export function withoutUplinks(inventory: SiteInventory | null): SiteInventory | null {
  if (!inventory) return null;
  const networks = inventory.report.networks.filter(
    (n) => !(n.kind === "distributed" && UPLINK_NAME.test(n.name)),
  );
  if (networks.length === inventory.report.networks.length) return inventory;
  return { ...inventory, report: { ...inventory.report, networks } };
}
