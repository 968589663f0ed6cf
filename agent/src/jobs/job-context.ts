import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { StepDetail, VmActionStep } from "@gantry/shared/jobs/vm-action-job";
import type { Logger } from "../log.ts";

/**
 * What the job runner hands a job handler. Handlers report stages as they happen;
 * the runner turns them into `job.progress` frames, journals them and delivers them in order.
 */
export interface JobContext {
  /** Aborted on cancel, on `stopNow`, or when the lease is lost. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** A stage transition: persisted at the edge as an event. Call once per stage, in order. */
  reportStage(stage: ProvisioningStage): void;
  /** A VM action's step ("shutting down the guest"): persisted at the edge, shown on every open page. */
  reportStep(step: VmActionStep, detail?: StepDetail): void;
  /** Ephemeral progress within a stage (e.g. clone task percent); may be coalesced, never persisted. */
  reportPercent(stage: ProvisioningStage, percent: number): void;
  /**
   * Self-fencing: throws `LeaseLostError` when the lease could have expired at the edge.
   * Call immediately before every mutating vCenter call.
   */
  assertLease(): void;
  /** The attempt number of this delivery of the job (1 on first delivery). */
  readonly attempt: number;
}
