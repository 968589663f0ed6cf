import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { connectNic, type DeviceChange, growDisk, type Hardware, nicMatches } from "../vsphere/devices.ts";
import type { CloneVmSpec } from "../vsphere/methods/clone-vm-task.ts";
import type { MoRef } from "../vsphere/values.ts";
import type { VmConfigSpec } from "../vsphere/vm-config-spec.ts";
import { ProvisioningStop } from "./failure/provisioning-stop.ts";
import type { ResolvedPlacement } from "./placement.ts";
import { markerConfig } from "./vm-marker.ts";

const KB_PER_GB = 1024 * 1024;

const invalid = (userMessage: string, detail: string) =>
  new ProvisioningStop({ code: "INVALID_SPEC", userMessage, detail });

/** The device edits that bring `hardware` to the job's disk size and network; throws INVALID_SPEC. */
export function deviceEdits(
  job: ProvisionVmJob,
  hardware: Hardware,
  network: ResolvedPlacement["network"],
): { disk: DeviceChange[]; nic: DeviceChange[] } {
  const disk = hardware.disks[0];
  const nic = hardware.nics[0];
  if (disk === undefined)
    throw invalid("The template has no disk; an admin has been told.", "template has no VirtualDisk");
  if (nic === undefined) {
    throw invalid("The template has no network adapter; an admin has been told.", "template has no NIC");
  }
  const wantKb = job.diskGb * KB_PER_GB;
  if (disk.capacityKb > wantKb) {
    const haveGb = Math.ceil(disk.capacityKb / KB_PER_GB);
    throw invalid(
      `The disk must be at least ${haveGb} GB, the size of the template's disk.`,
      `template disk ${disk.capacityKb} KB > requested ${wantKb} KB (disks cannot shrink)`,
    );
  }
  return {
    disk: disk.capacityKb < wantKb ? [growDisk(disk, wantKb)] : [],
    nic: nicMatches(nic, network) ? [] : [connectNic(nic, network)],
  };
}

/** Hardware settings for the job; used for the clone and, if vCenter ignored some, a reconfigure. */
export function configFor(job: ProvisionVmJob, diskEdits: readonly DeviceChange[]): VmConfigSpec {
  return { numCPUs: job.cpu, memoryMB: job.memoryMb, deviceChange: diskEdits };
}

/**
 * One CloneVM_Task does the whole configuration: hardware, NIC, our marker and the LinuxPrep
 * customization travel in the clone spec, and the VM stays off so CONFIGURING can be verified
 * before POWERING_ON. Fewer round trips than clone-then-reconfigure, and vCenter applies it atomically.
 */
export function cloneSpecFor(
  job: ProvisionVmJob,
  placement: ResolvedPlacement,
  folder: MoRef,
  options: { domain: string },
): CloneVmSpec {
  const edits = deviceEdits(job, placement.templateHardware, placement.network);
  return {
    folder,
    name: job.vmName,
    pool: placement.pool,
    datastore: placement.datastore,
    locationDeviceChange: edits.nic,
    config: { annotation: job.annotation, ...configFor(job, edits.disk), extraConfig: markerConfig(job) },
    customization: {
      hostname: job.hostname,
      domain: options.domain,
      nicCount: placement.templateHardware.nics.length,
    },
    powerOn: false,
  };
}
