import { MAX_UNOWNED_LISTED, type UnownedVm } from "@gantry/shared/domain/reconciliation";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import type { ScannedVm } from "@gantry/shared/protocol/vm-scan";

/** A VM Gantry believes in at the scanned site (READY or missing), or one it is building now. */
export interface SiteVm {
  vmId: string;
  /** its request is approved or provisioning: the clone may exist already, with its marker */
  building: boolean;
  vmStatus: "READY" | "GONE" | null;
  vmwareId: string | null;
  /** when it became READY: a VM that became READY after the scan started is not judged by it */
  readyAt: string | null;
  ipAddress: string | null;
  hostname: string | null;
}

/** What a scan means, before the deciders of each VM have their word. */
export interface ScanComparison {
  /** marker VMs that a Gantry VM owns: drift candidates, or a missing VM back */
  seen: Extract<VmObservation, { kind: "seen" }>[];
  /** READY Gantry VMs the scan did not find: missing candidates */
  gone: Extract<VmObservation, { kind: "gone" }>[];
  /** marker VMs no live Gantry VM owns, the first MAX_UNOWNED_LISTED of them by name */
  unowned: UnownedVm[];
  unownedCount: number;
}

/**
 * Compares the marker VMs vCenter holds with the VMs Gantry believes in at the site. A marker VM is owned
 * when its marker names a VM of the site that is READY, missing or being built, or when its moref is a
 * READY or missing VM's (an adopted VM keeps the marker it came with). A READY VM the scan did not find
 * is a missing candidate, unless it became READY after the scan started (its clone may postdate the
 * read). Pure: the same scan and beliefs give the same answer.
 */
export function compareScan(input: {
  scanned: readonly ScannedVm[];
  siteVms: readonly SiteVm[];
  startedAt: string;
}): ScanComparison {
  const { scanned, siteVms, startedAt } = input;
  const byId = new Map(siteVms.map((vm) => [vm.vmId, vm]));
  const byMoref = new Map(
    siteVms.flatMap((vm) => (vm.vmStatus !== null && vm.vmwareId !== null ? [[vm.vmwareId, vm]] : [])),
  );
  const seen: ScanComparison["seen"] = [];
  const unowned: UnownedVm[] = [];
  const found = new Set<string>();
  for (const vm of scanned) {
    found.add(vm.vmwareId);
    const named = byId.get(vm.markerRequestId);
    const owner = byMoref.get(vm.vmwareId) ?? (named?.vmStatus || named?.building ? named : undefined);
    if (!owner) {
      const { vmwareId, instanceUuid, markerRequestId } = vm;
      const { name, powerState, cpu, memoryMb, diskGb } = vm.facts;
      unowned.push({ vmwareId, instanceUuid, markerRequestId, name, powerState, cpu, memoryMb, diskGb });
      continue;
    }
    if (owner.vmStatus === null) continue; // still being built: provisioning owns it
    // the scan reads no guest: keep what Gantry knows of the address, which is not drift anyway
    const facts = { ...vm.facts, ipAddress: owner.ipAddress, hostname: owner.hostname };
    seen.push({ kind: "seen", requestId: owner.vmId, vmwareId: vm.vmwareId, facts, at: startedAt });
  }
  const gone = siteVms.flatMap((vm): ScanComparison["gone"] => {
    if (vm.vmStatus !== "READY" || vm.vmwareId === null || found.has(vm.vmwareId)) return [];
    if (vm.readyAt === null || vm.readyAt >= startedAt) return [];
    return [{ kind: "gone", requestId: vm.vmId, vmwareId: vm.vmwareId, at: startedAt }];
  });
  unowned.sort((a, b) => a.name.localeCompare(b.name) || a.vmwareId.localeCompare(b.vmwareId));
  return {
    seen,
    gone,
    unowned: unowned.slice(0, MAX_UNOWNED_LISTED),
    unownedCount: unowned.length,
  };
}
