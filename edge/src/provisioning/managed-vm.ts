import type { VmSize, VmSpec } from "@gantry/shared/domain/vm-size";
import type { VmState } from "./vm.ts";
import type { VmLifecycle } from "./vm-lifecycle.ts";
import type { VmRequestState } from "./vm-request.ts";

/**
 * A VM after READY as its commands decide on it: its own stream's lifecycle, and what only its request
 * knows (whose it is, its project, the name asked for, the size it was built with).
 */
export interface ManagedVm extends VmLifecycle {
  vmId: string;
  requestId: string;
  ownerId: string;
  projectId: string;
  /** the name asked for (also the guest hostname) */
  name: string;
  /** the catalogue size it has now (the request's until a resize) */
  currentSize: VmSize;
  /** the hardware Gantry believes it has: the last facts reported, else the request's spec */
  spec: VmSpec;
}

const MB_PER_GB = 1024;

/** The VM of a request that reached READY; null before (still provisioning, failed, or no such request). */
export function managedVm(request: VmRequestState, vm: VmState): ManagedVm | null {
  if (request.status === "NONE" || vm.status === "NONE" || !vm.lifecycle) return null;
  const { lifecycle } = vm;
  const { facts } = lifecycle;
  const spec: VmSpec = {
    cpu: facts.cpu ?? request.spec.cpu,
    memoryGb: facts.memoryMb === null ? request.spec.memoryGb : facts.memoryMb / MB_PER_GB,
    diskGb: facts.diskGb ?? request.spec.diskGb,
  };
  return {
    ...lifecycle,
    vmId: vm.vmId,
    requestId: request.requestId,
    ownerId: request.requester.id,
    projectId: request.projectId,
    name: request.name,
    currentSize: lifecycle.size ?? request.size,
    spec,
  };
}

/** What a drift observation is compared against: Gantry's belief, unknowns filled from the request. */
export const believedFacts = (vm: ManagedVm) => ({
  name: vm.facts.name,
  powerState: vm.facts.powerState,
  cpu: vm.spec.cpu,
  memoryMb: Math.round(vm.spec.memoryGb * MB_PER_GB),
  diskGb: vm.spec.diskGb,
});
