import type { AgentToEdge, FrameBody } from "@gantry/shared/protocol/agent";
import { type ScannedVm, splitScan, type VmScanSummary } from "@gantry/shared/protocol/vm-scan";
import type { Logger } from "../log.ts";
import { RoundTripCounter } from "../vsphere/round-trips.ts";

export interface ScanReporterOptions {
  /** reads the marker VMs, counting its SOAP round trips on the counter */
  scan: (counter: RoundTripCounter) => Promise<ScannedVm[]>;
  send: (body: FrameBody<AgentToEdge>) => string | null;
  log: Logger;
  now?: () => number;
}

/**
 * Answers the edge's `vms.scan`: scans, sends every part (each ≤ 60 KiB) under the scan id, and only then
 * resolves the summary, so the hub holds every part when the call's answer arrives (one socket, in order).
 * Throws when the scan failed or the connection dropped mid-way (the call then answers with the error).
 */
export async function reportScan(options: ScanReporterOptions, scanId: string): Promise<VmScanSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const counter = new RoundTripCounter();
  const vms = await options.scan(counter);
  const parts = splitScan(vms);
  for (const [index, part] of parts.entries()) {
    const body = { type: "scan.part" as const, scanId, index, total: parts.length, part };
    if (!options.send(body)) throw new Error("not connected to the edge");
  }
  const summary: VmScanSummary = {
    scanId,
    startedAt: new Date(started).toISOString(),
    durationMs: Math.max(0, Math.round(now() - started)),
    roundTrips: counter.total,
    vmCount: vms.length,
    parts: parts.length,
  };
  options.log.info("reconciliation scan sent", { ...summary });
  return summary;
}
