import {
  PROVISIONING_STAGES,
  type ProvisioningStage,
  stageIndex,
} from "@gantry/shared/jobs/provisioning-stage";
import type { JobContext } from "../jobs/job-context.ts";

/**
 * Reports each stage once and in order, even when a retry or an adopted VM passes a stage again
 * or skips one (a skipped stage is reported on the way, so the timeline has no holes).
 */
export class StageReporter {
  readonly #ctx: JobContext;
  #last = -1;

  constructor(ctx: JobContext) {
    this.#ctx = ctx;
  }

  get current(): ProvisioningStage | undefined {
    return PROVISIONING_STAGES[this.#last];
  }

  reach(stage: ProvisioningStage): void {
    const target = stageIndex(stage);
    while (this.#last < target) {
      this.#last += 1;
      const next = PROVISIONING_STAGES[this.#last];
      if (next !== undefined) this.#ctx.reportStage(next);
    }
  }

  percent(stage: ProvisioningStage, percent: number): void {
    if (this.current === stage)
      this.#ctx.reportPercent(stage, Math.max(0, Math.min(100, Math.round(percent))));
  }
}
