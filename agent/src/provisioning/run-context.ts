import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { JobContext } from "../jobs/job-context.ts";
import type { Logger } from "../log.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import type { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { MoRef } from "../vsphere/values.ts";
import type { Vim } from "../vsphere/vim.ts";
import type { ResolvedPlacement } from "./placement.ts";
import type { StageReporter } from "./stage-reporter.ts";

/** How long each wait on vCenter may take before the run fails TIMED_OUT (the agent config's `waits`). */
export interface WaitDeadlines {
  /** CloneVM_Task: generous, a full clone of a large template on busy storage takes a while */
  readonly cloneMs: number;
  /** ReconfigVM_Task, when the clone's configuration needs fixing */
  readonly reconfigureMs: number;
  /** PowerOnVM_Task, until the VM runs */
  readonly powerOnMs: number;
}

export const DEFAULT_WAIT_DEADLINES: WaitDeadlines = {
  cloneMs: 60 * 60_000,
  reconfigureMs: 10 * 60_000,
  powerOnMs: 10 * 60_000,
};

export interface RunSettings {
  /** LinuxPrep needs a domain; vCenter writes it into the guest's hosts file. */
  readonly domain: string;
  /** How long WAITING_FOR_NETWORK waits for tools and an address before succeeding without one. */
  readonly networkWaitMs: number;
  /** Deadline for finding and removing what a failed run built (its own, not the job's signal). */
  readonly cleanupTimeoutMs: number;
  readonly waits: WaitDeadlines;
}

/** Facts that outlive one attempt: the VM once we know it is ours, its folder, the current step. */
export interface RunMemory {
  vm: MoRef | undefined;
  folder: MoRef | undefined;
  /** the clone task while it runs: a stop mid-clone waits for it, or the VM would appear after cleanup */
  cloneTask: MoRef | undefined;
  step: string;
}

/** One job's provisioning run: what every attempt and the failure path share. */
export interface ProvisioningRun {
  readonly client: VsphereClient;
  readonly job: ProvisionVmJob;
  readonly ctx: JobContext;
  readonly log: Logger;
  readonly stages: StageReporter;
  readonly counter: RoundTripCounter;
  readonly memory: RunMemory;
  readonly settings: RunSettings;
}

/** What the steps of one provisioning attempt share. */
export interface RunContext {
  readonly client: VsphereClient;
  /** Calls bound to the job's signal and round-trip counter. */
  readonly vim: Vim;
  readonly job: ProvisionVmJob;
  readonly ctx: JobContext;
  readonly log: Logger;
  readonly stages: StageReporter;
  readonly counter: RoundTripCounter;
  readonly placement: ResolvedPlacement;
  readonly options: RunSettings;
}
