import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { VmState } from "../vsphere/vm-state.ts";

/**
 * extraConfig keys that mark a VM as created by a request (reliability §5.4). The request id is
 * the ownership key: a re-delivered job (same request) adopts the VM, anything else is foreign.
 */
export const MARKER_REQUEST_ID = "gantry.requestId";
export const MARKER_JOB_ID = "gantry.jobId";

export const markerConfig = (job: ProvisionVmJob): Record<string, string> => ({
  [MARKER_REQUEST_ID]: job.requestId,
  [MARKER_JOB_ID]: job.jobId,
});

export const carriesMarker = (vm: VmState, job: ProvisionVmJob): boolean =>
  vm.extraConfig.get(MARKER_REQUEST_ID) === job.requestId;
