import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { AgentJob, JobOutcome, StageUpdate } from "@gantry/shared/protocol/agent";
import type { Logger } from "../log.ts";
import type { JobHandler } from "./handlers.ts";
import type { JobContext } from "./job-context.ts";
import type { LeaseClock } from "./lease-clock.ts";
import { LeaseLostError } from "./lease-lost-error.ts";

/** Why a run was stopped from outside: the user cancelled, the lease is gone, or the agent shuts down. */
export type StopCause = "cancelled" | "lease-lost" | "shutdown";

/** A job frame that must reach the edge exactly once: a stage, or the result (always last). */
export type DurableFrame =
  | { type: "job.progress"; update: StageUpdate }
  | { type: "job.result"; outcome: JobOutcome; at: string };

export interface JobRunOptions {
  job: AgentJob;
  attempt: number;
  handler: JobHandler;
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

function failureOf(error: unknown, attempt: number): ProvisioningFailure {
  const lost = error instanceof LeaseLostError;
  return {
    code: lost ? "LEASE_LOST" : "UNKNOWN",
    userMessage: lost ? "The agent lost its claim on the job." : "The agent hit an unexpected error.",
    technicalDetail:
      error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 4000) : String(error),
    retriable: true,
    attempts: attempt,
    cleanupFailed: false,
  };
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
    let outcome: JobOutcome;
    try {
      const result = await options.handler(options.job, ctx);
      outcome = result.ok ? { ok: true, vm: result.value } : { ok: false, failure: result.error };
    } catch (error) {
      outcome = { ok: false, failure: failureOf(error, options.attempt) };
    }
    // a lost lease means someone else may own the job now: report nothing, hand it back
    const lost =
      this.cause === "lease-lost" ||
      this.cause === "shutdown" ||
      (!outcome.ok && outcome.failure.code === "LEASE_LOST");
    if (lost) return "abandoned";
    options.emitDurable({ type: "job.result", outcome, at: now().toISOString() });
    return "reported";
  }
}
