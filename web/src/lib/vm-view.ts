import type {
  VmActionAvailability,
  VmDetail,
  VmListItem,
  VmRunningAction,
  VmTimelineEntry,
} from "@gantry/shared/api/vms";
import type { VmActionKind, VmPowerState } from "@gantry/shared/domain/vm-actions";

// Pure derivations for My VMs and the VM page (unit tested): labels, what the running action says, which
// action may be asked for now and, if not, why.

export const POWER_LABELS: Readonly<Record<VmPowerState, { label: string; tone: string }>> = {
  poweredOn: { label: "Running", tone: "success" },
  poweredOff: { label: "Powered off", tone: "neutral" },
  suspended: { label: "Suspended", tone: "warning" },
  unknown: { label: "Unknown", tone: "neutral" },
};

export const VM_STATUS_LABELS: Readonly<Record<VmListItem["status"], { label: string; tone: string }>> = {
  READY: { label: "Ready", tone: "success" },
  GONE: { label: "Gone", tone: "danger" },
  DELETED: { label: "Deleted", tone: "neutral" },
};

/** A snapshot older than this is shown as a warning: old snapshots grow and slow the VM down. */
export const OLD_SNAPSHOT_MS = 3 * 24 * 60 * 60 * 1000;

export const isOldSnapshot = (ageMs: number): boolean => ageMs >= OLD_SNAPSHOT_MS;

/** `2 vCPU · 4 GB · 40 GB` */
export const specText = (spec: { cpu: number; memoryGb: number; diskGb: number }): string =>
  `${spec.cpu} vCPU · ${spec.memoryGb} GB RAM · ${spec.diskGb} GB disk`;

/** Whether `kind` can be asked for now; a kind the edge did not list is not offered. */
export function availabilityOf(
  actions: readonly VmActionAvailability[],
  kind: VmActionKind,
): { available: boolean; reason: string | null } {
  const found = actions.find((a) => a.kind === kind);
  if (!found) return { available: false, reason: null };
  return { available: found.available, reason: found.reason };
}

/**
 * The line every open page shows while an action runs: the edge's sentence for the step, with who asked;
 * a fallback step (the guest did not stop or reboot in time) is called out so nobody waits in vain.
 */
export function runningActionText(action: VmRunningAction): { text: string; fallingBack: boolean } {
  const fallingBack = action.step === "FALLING_BACK_TO_POWER_OFF" || action.step === "FALLING_BACK_TO_RESET";
  const who = action.requestedBy.name ?? "someone";
  return { text: `${action.message} (asked by ${who})`, fallingBack };
}

/** What the delete dialog accepts: the VM's name or its name in vCenter, exactly. */
export const deleteNameMatches = (vm: Pick<VmDetail["vm"], "name" | "vmName">, typed: string): boolean =>
  typed === vm.name || typed === vm.vmName;

/** The page's title line: a deleted or gone VM has no actions left. */
export const isActionable = (vm: Pick<VmListItem, "status">): boolean => vm.status === "READY";

/** The last action's outcome from the history: "Power off: done", or "Restart failed" with the reason. */
export function lastOutcomeOf(
  timeline: readonly VmTimelineEntry[],
): { title: string; detail: string | null; at: string; failed: boolean } | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i];
    if (!entry) continue;
    if (entry.kind === "ACTION_SUCCEEDED" || entry.kind === "ACTION_FAILED")
      return {
        title: entry.title,
        detail: entry.detail,
        at: entry.at,
        failed: entry.kind === "ACTION_FAILED",
      };
  }
  return null;
}

/** The latest "changed outside Gantry" entry, for the notice at the top of the VM page. */
export function latestDriftOf(timeline: readonly VmTimelineEntry[]): VmTimelineEntry | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i];
    if (entry?.kind === "CHANGED_OUTSIDE_GANTRY") return entry;
  }
  return null;
}

type Spec = { cpu: number; memoryGb: number; diskGb: number };

/**
 * What a resize from `from` to `to` means: up (any of CPU, RAM, disk grows: an admin approves it) and
 * whether the VM keeps its own disk because the target's is smaller (disks never shrink).
 */
export function resizePlan(from: Spec, to: Spec): { up: boolean; keepsDisk: boolean } {
  const keepsDisk = to.diskGb < from.diskGb;
  const up = to.cpu > from.cpu || to.memoryGb > from.memoryGb || (!keepsDisk && to.diskGb > from.diskGb);
  return { up, keepsDisk };
}
