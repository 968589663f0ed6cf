import { z } from "zod";
import { VmFacts } from "../domain/vm-facts.ts";
import { utf8Length } from "./utf8.ts";
import { MAX_AGENT_FRAME_BYTES } from "./version.ts";

/**
 * The reconciliation scan (protocol 4): every VM in vCenter that carries our marker, read by the agent
 * in one container view and one paged property retrieval, sent to the hub in `scan.part` frames of
 * bounded size under one scan id, then summed up in the `vms.scan` call's answer.
 */

/** One VM with our marker, as vCenter shows it: the marker's request id, its identity and its facts. */
export const ScannedVm = z.object({
  /** the value of `gantry.requestId` in its extraConfig */
  markerRequestId: z.string().min(1).max(100),
  vmwareId: z.string().min(1).max(200),
  /** config.instanceUuid: survives a moref change (re-registration); null when vCenter has none */
  instanceUuid: z.string().max(100).nullable(),
  facts: VmFacts,
});
export type ScannedVm = z.infer<typeof ScannedVm>;

/** Room left in a frame for a part's content: the envelope and scan id take the rest (≤ 60 KiB). */
export const SCAN_PART_BYTES = MAX_AGENT_FRAME_BYTES - 4096;
/** The most parts one scan may have (≈ 100,000 marker VMs at their largest). */
export const MAX_SCAN_PARTS = 512;
/** VMs per part at most, whatever their size. */
export const MAX_SCAN_PART_VMS = 500;

export const ScanPart = z.object({ vms: z.array(ScannedVm).max(MAX_SCAN_PART_VMS) });
export type ScanPart = z.infer<typeof ScanPart>;

/** The `vms.scan` call's answer, sent after every part: what the hub must hold and what it cost. */
export const VmScanSummary = z.object({
  scanId: z.string().min(1).max(100),
  startedAt: z.string().datetime(),
  durationMs: z.number().int().min(0),
  /** SOAP round trips the scan made (view, retrievals and their continuations, destroy) */
  roundTrips: z.number().int().min(0),
  vmCount: z.number().int().min(0),
  parts: z.number().int().min(1).max(MAX_SCAN_PARTS),
});
export type VmScanSummary = z.infer<typeof VmScanSummary>;

/** Splits the scanned VMs into parts of at most `maxBytes` (UTF-8, as JSON), in order; never none. */
export function splitScan(vms: readonly ScannedVm[], maxBytes = SCAN_PART_BYTES): ScanPart[] {
  const parts: ScanPart[] = [];
  let part: ScannedVm[] = [];
  let bytes = utf8Length('{"vms":[]}');
  for (const vm of vms) {
    const size = utf8Length(JSON.stringify(vm)) + 1;
    if (part.length > 0 && (bytes + size > maxBytes || part.length >= MAX_SCAN_PART_VMS)) {
      parts.push({ vms: part });
      part = [];
      bytes = utf8Length('{"vms":[]}');
    }
    part.push(vm);
    bytes += size;
  }
  parts.push({ vms: part });
  return parts;
}
