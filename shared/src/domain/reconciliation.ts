import { z } from "zod";
import { VmPowerState } from "./vm-actions.ts";

// Reconciliation (issue 16): what the agent's scan of marker VMs showed against what Gantry believes.

/** What started a scan: the schedule (the Worker cron), an agent reconnecting, or an admin's button. */
export const SCAN_TRIGGERS = ["schedule", "reconnect", "on-demand"] as const;
export const ScanTrigger = z.enum(SCAN_TRIGGERS);
export type ScanTrigger = z.infer<typeof ScanTrigger>;

/** Unowned VMs kept per scan at most (the count says how many there were). */
export const MAX_UNOWNED_LISTED = 500;

/** A VM with our marker that no live Gantry VM owns (a failed cleanup, a restored backup, a test). */
export const UnownedVm = z.object({
  vmwareId: z.string().min(1).max(200),
  instanceUuid: z.string().max(100).nullable(),
  /** the marker's value: the request it names is not a live VM of this tenant and site */
  markerRequestId: z.string().min(1).max(100),
  name: z.string().max(200),
  powerState: VmPowerState,
  cpu: z.number().int().min(0).max(1024),
  memoryMb: z.number().int().min(0).max(16_777_216),
  diskGb: z.number().int().min(0).max(1_048_576),
});
export type UnownedVm = z.infer<typeof UnownedVm>;

/** One scan's figures: who ran it, when, how long it took and what it cost. */
export const ScanFigures = z.object({
  scanId: z.string().min(1).max(100),
  agentId: z.string().min(1).max(100),
  trigger: ScanTrigger,
  startedAt: z.string().datetime(),
  durationMs: z.number().int().min(0),
  roundTrips: z.number().int().min(0),
  /** VMs with our marker that vCenter holds */
  markerVms: z.number().int().min(0),
  unowned: z.number().int().min(0),
  /** Gantry VMs vCenter no longer has, newly marked missing by this scan */
  missing: z.number().int().min(0),
  /** VMs recorded as changed outside Gantry (drift) or back after missing */
  drifted: z.number().int().min(0),
  reappeared: z.number().int().min(0),
});
export type ScanFigures = z.infer<typeof ScanFigures>;
