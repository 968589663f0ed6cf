import { ACTION_LABELS, type VmActionKind } from "@gantry/shared/domain/vm-actions";
import type { StepDetail, VmActionFailureCode, VmActionStep } from "@gantry/shared/jobs/vm-action-job";

const after = (detail: StepDetail) =>
  detail.fallbackAfterSeconds === undefined ? "" : ` after ${detail.fallbackAfterSeconds} s`;

/** A running action's step as every open page shows it. */
export function actionMessage(kind: VmActionKind, step: VmActionStep | null, detail: StepDetail): string {
  switch (step) {
    case null:
      return `${ACTION_LABELS[kind]}: waiting for the site's agent…`;
    case "POWERING_ON":
      return "Powering on…";
    case "POWERING_OFF":
      return "Powering off…";
    case "SHUTTING_DOWN_GUEST":
      return `Shutting down the guest…${detail.fallbackAfterSeconds === undefined ? "" : ` (powering off if it has not stopped after ${detail.fallbackAfterSeconds} s)`}`;
    case "FALLING_BACK_TO_POWER_OFF":
      return detail.because === "tools-not-running"
        ? "VMware Tools does not run in the guest: powering off instead…"
        : `The guest did not shut down${after(detail)}: powering off…`;
    case "REBOOTING_GUEST":
      return `Restarting the guest…${detail.fallbackAfterSeconds === undefined ? "" : ` (resetting if it has not begun restarting after ${detail.fallbackAfterSeconds} s)`}`;
    case "FALLING_BACK_TO_RESET":
      return detail.because === "tools-not-running"
        ? "VMware Tools does not run in the guest: resetting instead…"
        : `The guest did not restart${after(detail)}: resetting…`;
    case "WAITING_FOR_GUEST":
      return "Waiting for the guest to come back…";
    case "DESTROYING":
      return "Deleting the VM in vCenter…";
    case "RECONFIGURING":
      return "Changing CPU, memory and disk…";
    case "CREATING_SNAPSHOT":
      return "Taking the snapshot…";
    case "REVERTING_SNAPSHOT":
      return "Reverting to the snapshot…";
    case "DELETING_SNAPSHOT":
      return "Deleting the snapshot…";
    case "REWRITING_MARKER":
      return "Writing the adopted VM's id into its marker…";
  }
}

const FAILURES: Readonly<Record<VmActionFailureCode, string>> = {
  MARKER_MISMATCH:
    "vCenter shows another VM under this VM's id (it does not carry Gantry's marker for it), so Gantry did not touch it. Your admin has been told.",
  VM_NOT_FOUND: "The VM no longer exists in vCenter.",
  INVALID_POWER_STATE: "The VM's power state does not allow this right now.",
  POWER_CYCLE_REQUIRED:
    "The VM is running and cannot take this change without a restart. Repeat it and agree to a power cycle.",
  DISK_SHRINK_REFUSED: "A disk can only grow; this size has a smaller disk than the VM.",
  SNAPSHOT_NOT_FOUND: "vCenter no longer has this snapshot.",
  NO_PERMISSION: "Gantry is not allowed to do this in vCenter. Your admin has been told.",
  INVALID_LOGIN: "Gantry could not sign in to vCenter. Your admin has been told.",
  INSUFFICIENT_RESOURCES: "vCenter has not enough resources for this. Try a smaller size or ask your admin.",
  VCENTER_UNREACHABLE: "vCenter could not be reached. Try again once it is back.",
  VCENTER_BUSY: "vCenter was too busy to finish. Try again later.",
  TASK_FAILED: "vCenter could not finish it. Your admin has been told.",
  TIMED_OUT: "It did not finish in time; the site's agent may be offline. Check the VM before you try again.",
  CANCELLED: "It was stopped before it finished.",
  LEASE_LOST: "The site's agent lost contact while working on it. Check the VM before you try again.",
  UNDELIVERABLE: "It could not be handed to the site's agents. Your admin has been told.",
  UNKNOWN: "Something unexpected went wrong. Your admin has been told.",
};

/** A sentence for an action's failure, for when the agent sent none of its own. */
export const actionFailureMessage = (code: VmActionFailureCode): string => FAILURES[code];
