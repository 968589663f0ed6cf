import { z } from "zod";

/** What Gantry can do to a VM after READY; each is a command on the VM's stream and a job on its site. */
export const VM_ACTION_KINDS = [
  "power-on",
  "power-off",
  "shutdown-guest",
  "restart",
  "delete",
  "resize",
  "snapshot-create",
  "snapshot-revert",
  "snapshot-delete",
] as const;
export const VmActionKind = z.enum(VM_ACTION_KINDS);
export type VmActionKind = z.infer<typeof VmActionKind>;

/** A VM's power state as vCenter reports it. */
export const VmPowerState = z.enum(["poweredOn", "poweredOff", "suspended", "unknown"]);
export type VmPowerState = z.infer<typeof VmPowerState>;

/** Snapshots a VM may hold when neither the deployment nor its tenant says otherwise. */
export const DEFAULT_SNAPSHOT_CAP = 3;
/** How long a guest gets to shut down (or to start rebooting) before Gantry powers it off (or resets it). */
export const DEFAULT_GUEST_TIMEOUT_S = 120;
export const GUEST_TIMEOUT_MIN_S = 10;
export const GUEST_TIMEOUT_MAX_S = 900;

/** Why someone acts; optional (blank is none) and kept in the audit trail. */
export const ACTION_REASON_MAX = 500;
export const ActionReason = z
  .string()
  .trim()
  .max(ACTION_REASON_MAX, `must be at most ${ACTION_REASON_MAX} characters`);

export const SNAPSHOT_NAME_MAX = 80;
/** A snapshot's name as vCenter shows it: 1–80 printable characters. */
export const SnapshotName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(SNAPSHOT_NAME_MAX, `must be at most ${SNAPSHOT_NAME_MAX} characters`)
  // control characters would end up in vCenter's snapshot tree and every log line
  .regex(/^[^\p{Cc}]*$/u, "may not contain control characters");

/** A snapshot's managed object id in vCenter (`snapshot-42`). */
export const SnapshotId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, "must be a snapshot id as Gantry lists it");

/** People read these; the edge also uses them for refusals ("power-off is still running"). */
export const ACTION_LABELS: Readonly<Record<VmActionKind, string>> = {
  "power-on": "Power on",
  "power-off": "Power off",
  "shutdown-guest": "Shut down guest",
  restart: "Restart",
  delete: "Delete",
  resize: "Resize",
  "snapshot-create": "Create snapshot",
  "snapshot-revert": "Revert to snapshot",
  "snapshot-delete": "Delete snapshot",
};
