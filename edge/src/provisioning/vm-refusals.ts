import type { DomainError } from "@gantry/shared/domain/domain-error";
import { ACTION_LABELS } from "@gantry/shared/domain/vm-actions";

type VmRefusal = Extract<
  DomainError,
  {
    code:
      | "VM_NOT_FOUND"
      | "VM_BUSY"
      | "ACTION_NOT_APPLICABLE"
      | "CONFIRMATION_MISMATCH"
      | "DISK_SHRINK_REFUSED"
      | "SNAPSHOT_CAP_REACHED"
      | "SNAPSHOT_NOT_FOUND"
      | "RESIZE_PENDING"
      | "APPROVAL_NOT_FOUND"
      | "NO_AGENT_CAN_RUN";
  }
>;

/** Why a VM action was refused, in a sentence the UI shows as is (and the API's error message). */
export function vmRefusalMessage(error: VmRefusal): string {
  switch (error.code) {
    case "VM_NOT_FOUND":
      return "VM not found";
    case "VM_BUSY":
      return `${ACTION_LABELS[error.running]} is still running on this VM (since ${error.since}); one action at a time, try again when it has finished`;
    case "ACTION_NOT_APPLICABLE":
      return `${ACTION_LABELS[error.kind]} is not possible now: ${error.why}`;
    case "CONFIRMATION_MISMATCH":
      return "the name typed does not match the VM's name; type it exactly to confirm the deletion";
    case "DISK_SHRINK_REFUSED":
      return `a disk can only grow: the VM has ${error.fromGb} GB, this size ${error.toGb} GB; resize with keepDisk to keep the VM's ${error.fromGb} GB disk`;
    case "SNAPSHOT_CAP_REACHED":
      return `this VM already has ${error.cap} snapshots, the most it may keep; delete one first`;
    case "SNAPSHOT_NOT_FOUND":
      return "snapshot not found";
    case "RESIZE_PENDING":
      return "a resize of this VM is already waiting for an admin's approval";
    case "APPROVAL_NOT_FOUND":
      return "no resize of this VM waits for approval under that id";
    case "NO_AGENT_CAN_RUN":
      return error.connected === 0
        ? `no agent of site ${error.siteName} is connected, so nothing can be done to its VMs right now`
        : `the agents of site ${error.siteName} cannot ${ACTION_LABELS[error.kind].toLowerCase()} VMs yet: update them to version ${error.minVersion} or later`;
  }
}
