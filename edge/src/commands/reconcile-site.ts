import type { ScanFigures, ScanTrigger } from "@gantry/shared/domain/reconciliation";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import type { ScannedVm, VmScanSummary } from "@gantry/shared/protocol/vm-scan";
import { err, ok, type Result } from "@gantry/shared/result";
import { streamIds } from "../event-store/stored-event.ts";
import { siteScannedStatements } from "../projections/reconciliation-projection.ts";
import { siteVmsForScan } from "../projections/site-vm-queries.ts";
import { compareScan } from "../provisioning/reconcile-scan.ts";
import type { CommandDeps } from "./command-deps.ts";
import { recordTenancyEvent } from "./record-tenancy-event.ts";
import { recordVmObservations } from "./record-vm-observations.ts";

export interface SiteScanReport {
  tenantId: string;
  siteId: string;
  agentId: string;
  trigger: ScanTrigger;
  /** the admin who asked for it (an on-demand scan); the scan's event is theirs, else the agent's */
  requestedBy: { id: string; name: string } | null;
  summary: VmScanSummary;
  vms: readonly ScannedVm[];
}

export type ReconcileError = { code: "NOT_RECORDED"; message: string };

/**
 * What a reconciliation scan of a site means, recorded: each owned marker VM goes through the drift
 * decider like the drift watch's observations (changed outside Gantry, or a missing VM back), each READY
 * VM the scan did not find is marked missing (VmGone on its stream: the VM page and My VMs show it, its
 * owner is told through the feed), and the scan itself — its figures and the unowned marker VMs — is a
 * SiteScanned event on the site's stream, whose projection is the admin page. The admins' pages are told.
 */
export async function reconcileSite(
  deps: CommandDeps,
  report: SiteScanReport,
): Promise<Result<ScanFigures, ReconcileError>> {
  const { tenantId, siteId, agentId, summary } = report;
  const siteVms = await siteVmsForScan(deps.db, { tenantId, siteId });
  const goneBefore = new Set(siteVms.flatMap((vm) => (vm.vmStatus === "GONE" ? [vm.vmId] : [])));
  const compared = compareScan({ scanned: report.vms, siteVms, startedAt: summary.startedAt });
  const record = async (suffix: string, observations: readonly VmObservation[]) => {
    if (observations.length === 0) return 0;
    const frameId = `${summary.scanId}:${suffix}`;
    const recorded = await recordVmObservations(deps, { tenantId, siteId, agentId, frameId, observations });
    if (!recorded.ok) throw new Error(recorded.error.message);
    return recorded.value.recorded;
  };
  try {
    const missing = await record("gone", compared.gone);
    const reappeared = await record(
      "back",
      compared.seen.filter((o) => goneBefore.has(o.requestId)),
    );
    const drifted = await record(
      "seen",
      compared.seen.filter((o) => !goneBefore.has(o.requestId)),
    );
    const figures: ScanFigures = {
      scanId: summary.scanId,
      agentId,
      trigger: report.trigger,
      startedAt: summary.startedAt,
      durationMs: summary.durationMs,
      roundTrips: summary.roundTrips,
      markerVms: report.vms.length,
      unowned: compared.unownedCount,
      missing,
      drifted,
      reappeared,
    };
    const scan = { ...figures, siteId, unownedVms: compared.unowned };
    const finishedAt = deps.clock().toISOString();
    const written = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.site(siteId),
      event: { type: "SiteScanned", data: scan },
      actor: report.requestedBy ? { kind: "user", ...report.requestedBy } : { kind: "agent", id: agentId },
      sideEffects: siteScannedStatements(deps.db, { tenantId, finishedAt, scan }),
    });
    if (!written.ok) return err({ code: "NOT_RECORDED", message: "the site's stream kept moving" });
    await deps.feed.publishSite(tenantId, { siteId, at: finishedAt });
    return ok(figures);
  } catch (error) {
    return err({ code: "NOT_RECORDED", message: String(error).slice(0, 300) });
  }
}
