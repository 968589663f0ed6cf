import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { StepDetail, VmActionStep } from "@gantry/shared/jobs/vm-action-job";
import type { AgentJob, JobResultOutcome, StageUpdate } from "@gantry/shared/protocol/agent";
import type { Logger } from "../log.ts";
import type { RunJob } from "./handlers.ts";
import type { JobContext } from "./job-context.ts";
import type { LeaseClock } from "./lease-clock.ts";
import { LeaseLostError } from "./lease-lost-error.ts";

/** Why a run was stopped from outside: the user cancelled, the lease is gone, or the agent shuts down. */
export type StopCause = "cancelled" | "lease-lost" | "shutdown";

/** A job frame that must reach the edge exactly once: a stage, or the result (always last). */
export type DurableFrame =
  | { type: "job.progress"; update: StageUpdate }
  | { type: "job.result"; outcome: JobResultOutcome; at: string };

export interface JobRunOptions {
  job: AgentJob;
  attempt: number;
  handler: RunJob;
  lease: LeaseClock;
  log: Logger;
  /** Stages already applied at the edge by an earlier attempt; reported again they would be noise. */
  stagesReported: readonly ProvisioningStage[];
  /** A durable frame: journaled, then sent; the runner never sees seqs or sockets. */
  emitDurable(frame: DurableFrame): void;
  emitPercent(update: Extract<StageUpdate, { kind: "percent" }>): void;
  now?: () => Date;
}

const PERCENT_EVERY_MS = 1000;

/** The failure code of an outcome, whichever kind of job it ends; null for a success. */
function failureCodeOf(outcome: JobResultOutcome): string | null {
  if ("status" in outcome) return outcome.status === "failed" ? outcome.failure.code : null;
  return outcome.ok ? null : outcome.failure.code;
}

/** One job run: implements JobContext for the handler and reports "finished" last (buildkite run_job.go). */
export class JobRun {
  private readonly controller = new AbortController();
  private cause: StopCause | null = null;
  private lastPercentAt = 0;
  private readonly reported: Set<ProvisioningStage>;

  constructor(private readonly options: JobRunOptions) {
    this.reported = new Set(options.stagesReported);
  }

  get stopCause(): StopCause | null {
    return this.cause;
  }

  stop(cause: StopCause): void {
    this.cause ??= cause;
    this.controller.abort(new Error(`job stopped: ${cause}`));
  }

  /** Resolves "reported" after the result frame was journaled, "abandoned" when the job must go back. */
  async run(): Promise<"reported" | "abandoned"> {
    const { options } = this;
    const now = options.now ?? (() => new Date());
    const ctx: JobContext = {
      signal: this.controller.signal,
      log: options.log,
      attempt: options.attempt,
      reportStage: (stage) => {
        if (this.reported.has(stage)) return;
        this.reported.add(stage);
        options.emitDurable({
          type: "job.progress",
          update: { kind: "stage", stage, at: now().toISOString() },
        });
      },
      reportStep: (step: VmActionStep, detail: StepDetail = {}) => {
        options.emitDurable({
          type: "job.progress",
          update: { kind: "step", step, detail, at: now().toISOString() },
        });
      },
      reportPercent: (stage, percent) => {
        const t = Date.now();
        if (t - this.lastPercentAt < PERCENT_EVERY_MS) return;
        this.lastPercentAt = t;
        options.emitPercent({
          kind: "percent",
          stage,
          percent: Math.max(0, Math.min(100, percent)),
          at: now().toISOString(),
        });
      },
      assertLease: () => {
        if (this.cause === "lease-lost" || this.cause === "shutdown" || !options.lease.valid()) {
          throw new LeaseLostError(`lease on ${options.job.jobId} may have expired; not mutating vCenter`);
        }
      },
    };
    // runners turn every expected and unexpected failure into an outcome (handlers.ts)
    const outcome = await options.handler(options.job, ctx);
    // a lost lease means someone else may own the job now: report nothing, hand it back
    const lost =
      this.cause === "lease-lost" || this.cause === "shutdown" || failureCodeOf(outcome) === "LEASE_LOST";
    if (lost) return "abandoned";
    options.emitDurable({ type: "job.result", outcome, at: now().toISOString() });
    return "reported";
  }
}
