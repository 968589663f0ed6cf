import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { JobContext } from "../jobs/job-context.ts";
import type { Logger } from "../log.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import type { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { Vim } from "../vsphere/vim.ts";
import type { ResolvedPlacement } from "./placement.ts";
import type { StageReporter } from "./stage-reporter.ts";

export interface RunSettings {
  /** LinuxPrep needs a domain; vCenter writes it into the guest's hosts file. */
  readonly domain: string;
  /** How long WAITING_FOR_NETWORK waits for tools and an address before succeeding without one. */
  readonly networkWaitMs: number;
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
