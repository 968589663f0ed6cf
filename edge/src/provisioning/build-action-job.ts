import type { VmAction } from "@gantry/shared/events/vm-lifecycle";
import type { VmActionJob } from "@gantry/shared/jobs/vm-action-job";
import type { ManagedVm } from "./managed-vm.ts";

const MB_PER_GB = 1024;

/** The job of an action id: the hub and the agent deduplicate on it. */
export const actionJobIdFor = (actionId: string): string => `job-${actionId}`;

/** The agent's job for an action on a VM. Pure. */
export function buildVmActionJob(input: {
  vm: ManagedVm;
  jobId: string;
  action: VmAction;
  deadline: string;
}): VmActionJob {
  const { vm, jobId, action, deadline } = input;
  const base = { jobId, requestId: vm.requestId, vmwareId: vm.vmwareId, vmName: vm.facts.name, deadline };
  switch (action.kind) {
    case "power-on":
      return { ...base, kind: "vm.power-on" };
    case "power-off":
      return { ...base, kind: "vm.power-off" };
    case "shutdown-guest":
      return { ...base, kind: "vm.shutdown-guest", timeoutSeconds: action.timeoutSeconds };
    case "restart":
      return { ...base, kind: "vm.restart", timeoutSeconds: action.timeoutSeconds };
    case "delete":
      return { ...base, kind: "vm.delete" };
    case "resize":
      return {
        ...base,
        kind: "vm.resize",
        cpu: action.to.spec.cpu,
        memoryMb: action.to.spec.memoryGb * MB_PER_GB,
        diskGb: action.to.spec.diskGb,
        powerCycle: action.powerCycle,
        powerStateBefore: vm.facts.powerState,
        timeoutSeconds: action.timeoutSeconds,
      };
    case "snapshot-create":
      return { ...base, kind: "vm.snapshot-create", name: action.name, withMemory: action.withMemory };
    case "snapshot-revert":
      return { ...base, kind: "vm.snapshot-revert", snapshotId: action.snapshotId };
    case "snapshot-delete":
      return { ...base, kind: "vm.snapshot-delete", snapshotId: action.snapshotId };
  }
}

/** The job kind an action runs as: what an agent must name in its hello to be offered it. */
export const jobKindOf = (action: VmAction["kind"]): VmActionJob["kind"] => `vm.${action}`;
