import { z } from "zod";
import type { ScanFigures, UnownedVm } from "../domain/reconciliation.ts";

export const ReconciliationSiteInput = z.object({ siteId: z.string().min(1).max(100) });
export type ReconciliationSiteInput = z.infer<typeof ReconciliationSiteInput>;

/** `reconciliation.destroy`: an unowned marker VM as the page listed it, confirmed by typing its name. */
export const DestroyUnownedVmInput = z.object({
  siteId: z.string().min(1).max(100),
  vmwareId: z.string().min(1).max(200),
  markerRequestId: z.string().min(1).max(100),
  confirmName: z.string().max(200),
});
export type DestroyUnownedVmInput = z.infer<typeof DestroyUnownedVmInput>;

/** `reconciliation.adopt`: an unowned marker VM as the page listed it, into a project, owned by a person of the tenant. */
export const AdoptUnownedVmInput = z.object({
  siteId: z.string().min(1).max(100),
  vmwareId: z.string().min(1).max(200),
  markerRequestId: z.string().min(1).max(100),
  projectId: z.string().min(1).max(100),
  ownerId: z.string().min(1).max(200),
});
export type AdoptUnownedVmInput = z.infer<typeof AdoptUnownedVmInput>;

/** What `reconciliation.adopt` answers: the adopted VM's id (a repeat answers the same VM) and its job. */
export interface UnownedVmAdoption {
  vmId: string;
  jobId: string;
  outcome: "queued" | "already-queued";
}

/** What `reconciliation.destroy` answers: the destruction runs (or ran) as this job on the site's agent. */
export interface UnownedVmDestruction {
  destructionId: string;
  jobId: string;
  outcome: "queued" | "already-queued";
}

/** An unowned marker VM as the page lists it; `destroying` while its destruction's job runs. */
export type UnownedVmRow = UnownedVm & { seenAt: string; destroying: boolean; adopting: boolean };

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
  unowned: UnownedVmRow[];
  missing: MissingVm[];
  /**
   * Whether an agent that can scan is connected now; when agents are connected but none can, `needs`
   * says what to upgrade them to.
   */
  scanner: { available: boolean; needs: string | null };
  /** whether a connected agent can destroy an unowned VM; else the agent version it needs (null: none connected) */
  destroyer: { available: boolean; needs: string | null };
  /** the same for adopting an unowned VM into a project */
  adopter: { available: boolean; needs: string | null };
}
