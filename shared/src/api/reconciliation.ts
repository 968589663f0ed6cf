import { z } from "zod";
import type { ScanFigures, UnownedVm } from "../domain/reconciliation.ts";

export const ReconciliationSiteInput = z.object({ siteId: z.string().min(1).max(100) });
export type ReconciliationSiteInput = z.infer<typeof ReconciliationSiteInput>;

/** A Gantry VM vCenter no longer has (missing since `missingSince`); its owner sees it on My VMs. */
export interface MissingVm {
  vmId: string;
  name: string;
  vmwareId: string;
  owner: { id: string; name: string };
  projectId: string;
}

/** The last scan of a site, as the admin page shows it. */
export type LastScan = ScanFigures & { finishedAt: string };

/** `reconciliation.get`: what the admin page shows of one site. */
export interface SiteReconciliation {
  siteId: string;
  siteName: string;
  lastScan: LastScan | null;
  unowned: (UnownedVm & { seenAt: string })[];
  missing: MissingVm[];
  /**
   * Whether an agent that can scan is connected now; when agents are connected but none can, `needs`
   * says what to upgrade them to.
   */
  scanner: { available: boolean; needs: string | null };
}
