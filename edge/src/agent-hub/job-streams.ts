import type { ReachedStage } from "@gantry/shared/events/vm";
import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import type { JobReport, JobUpdate } from "@gantry/shared/protocol/job-report";
import { logEvent } from "../log.ts";
import { type SocketFacts, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { Job } from "./job.ts";
import { timedOutActionFailure, timedOutFailure } from "./stop-job.ts";

type JobFrame = Extract<AgentToEdge, { type: "job.progress" | "job.result" }>;

/** How a job ended, as recorded: "succeeded", or the failure's code (provisioning and VM actions alike). */
const outcomeCodeOf = (update: Exclude<JobUpdate, { kind: "stage" | "step" }>) =>
  update.kind === "succeeded" || update.kind === "action-done" ? "succeeded" : update.failure.code;

/**
 * What a durable frame says, as the one report shape; null for a percent, which is never recorded. A
 * job the hub stopped for running too long ends TIMED_OUT: its agent, told to stop like for any stop,
 * reports CANCELLED, and the reason is the hub's to give.
 */
function updateOf(hub: HubContext, job: Job, frame: JobFrame): JobUpdate | null {
  if (frame.type === "job.result") {
    const { outcome, at } = frame;
    const timedOut = job.stopReason === "timed-out";
    // a VM action's outcome (protocol 3), or provisioning's
    if ("status" in outcome) {
      if (outcome.status === "done") return { kind: "action-done", result: outcome.result, at };
      const reported = outcome.failure;
      const failure =
        timedOut && reported.code === "CANCELLED"
          ? timedOutActionFailure(hub, { detail: `its agent stopped it: ${reported.technicalDetail}` })
          : reported;
      return { kind: "action-failed", failure, at };
    }
    if (outcome.ok) return { kind: "succeeded", vm: outcome.vm, at };
    const reported = outcome.failure;
    const failure =
      timedOut && reported.code === "CANCELLED"
        ? timedOutFailure(hub, {
            detail: `its agent stopped it: ${reported.technicalDetail}`,
            attempts: reported.attempts,
            cleanupFailed: reported.cleanupFailed,
          })
        : reported;
    return { kind: "failed", failure, at };
  }
  return frame.update.kind === "percent" ? null : frame.update;
}

/**
 * How recording a frame went: in the log, refused for good (acked and counted), to be resent, or
 * refused by D1's lease fence because a newer holder was granted the job meanwhile (never acked).
 */
type Recorded = "recorded" | "refused" | "resend" | "stale";

/** How recording went, and a stage after the first the hub now holds for the outcome to carry. */
interface RecordOutcome {
  kind: Recorded;
  reached?: ReachedStage | undefined;
}

/**
 * Applies job frames: fencing check, in-order dedup by seq, append to the D1 log, ack, then progress.
 * Frames of one job run strictly one after another: recording awaits D1, during which a later frame
 * of the same job could otherwise overtake it.
 */
export class JobStreams {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly hub: HubContext) {}

  apply(ws: WebSocket, facts: SocketFacts, frame: JobFrame): Promise<void> {
    const prev = this.chains.get(frame.jobId) ?? Promise.resolve();
    // a failed frame must not stall the frames queued behind it
    const next = prev.catch(() => {}).then(() => this.applyOne(ws, facts, frame));
    this.chains.set(frame.jobId, next);
    return next.finally(() => {
      if (this.chains.get(frame.jobId) === next) this.chains.delete(frame.jobId);
    });
  }

  private async applyOne(ws: WebSocket, facts: SocketFacts, frame: JobFrame): Promise<void> {
    const job = this.fence(ws, facts, frame);
    if (!job) return;
    const update = updateOf(this.hub, job, frame);
    if (!update) return this.publishPercent(job, frame);
    if (!this.nextInOrder(ws, job, frame)) return;
    const report: JobReport = {
      tenantId: job.tenantId,
      requestId: job.requestId,
      jobId: job.jobId,
      agentId: facts.agentId,
      epoch: frame.epoch,
      eventId: frame.id,
      // edge time orders and times everything; the agent's `at` travels on as metadata
      receivedAt: new Date(this.hub.now()).toISOString(),
      jobKind: job.kind,
      update,
      // what the job reached after its first stage, held here: decided with the log, carried by the outcome
      ...(job.stagesReached.length > 0 ? { stagesReached: job.stagesReached } : {}),
    };
    const recorded = await this.record(ws, frame, report);
    if (recorded.kind === "resend") return;
    if (recorded.kind === "stale")
      return this.refuseStale(ws, frame, this.hub.queue.get(frame.jobId)?.epoch ?? frame.epoch);
    // the lease may have moved while D1 was awaited; only the holder advances the stream
    if (!this.advance(frame, update, recorded.reached))
      return this.refuseStale(ws, frame, this.hub.queue.get(frame.jobId)?.epoch ?? frame.epoch);
    sendFrame(ws, { type: "ack", ref: frame.id, jobId: frame.jobId, seq: frame.seq });
    // progress only ever shows what the log or the job's live record holds (R11)
    if (recorded.kind === "recorded")
      await this.hub.sink.publish(
        { ...update, at: report.receivedAt },
        { tenantId: job.tenantId, requestId: job.requestId },
      );
    if (frame.type === "job.result") await this.hub.dispatch();
  }

  /** The fencing check: only the agent holding the lease, under its current epoch, reports on a job. */
  private fence(ws: WebSocket, facts: SocketFacts, frame: JobFrame): Job | null {
    const checked = this.hub.queue.checkLease({
      jobId: frame.jobId,
      epoch: frame.epoch,
      agentId: facts.agentId,
    });
    if (checked.ok) return checked.value;
    if (checked.error.code === "STALE_EPOCH") {
      this.refuseStale(ws, frame, checked.error.current);
      return null;
    }
    bumpCounter(this.hub.sql, "frames_unknown_job");
    sendFrame(ws, { type: "error", code: "UNKNOWN_JOB", message: `no job ${frame.jobId}`, ref: frame.id });
    return null;
  }

  /** A percent is ephemeral: shown only while its stage is the latest applied one, never recorded. */
  private async publishPercent(job: Job, frame: JobFrame): Promise<void> {
    if (frame.type === "job.progress" && frame.update.kind === "percent" && frame.seq === job.lastSeq) {
      // edge time, like every update the progress shows
      const at = new Date(this.hub.now()).toISOString();
      await this.hub.sink.publishPercent(
        { ...frame.update, at, requestId: job.requestId },
        { tenantId: job.tenantId },
      );
    }
  }

  /** Acks a frame already applied (a resend) and refuses one that skips ahead; true for the next one. */
  private nextInOrder(ws: WebSocket, job: Job, frame: JobFrame): boolean {
    if (frame.seq <= job.lastSeq) {
      sendFrame(ws, { type: "ack", ref: frame.id, jobId: frame.jobId, seq: frame.seq });
      return false;
    }
    if (frame.seq !== job.lastSeq + 1) {
      sendFrame(ws, {
        type: "error",
        code: "SEQ_GAP",
        message: `expected seq ${job.lastSeq + 1}`,
        ref: frame.id,
      });
      return false;
    }
    return true;
  }

  /**
   * Appends the report to the D1 log. A failure that may pass asks the agent to resend; a refusal
   * (unknown request, stage going backwards) will not change on resend, so it is acked and counted.
   */
  private async record(ws: WebSocket, frame: JobFrame, report: JobReport): Promise<RecordOutcome> {
    const recorded = await this.hub.sink.record(report);
    if (recorded.ok) return { kind: "recorded", reached: recorded.value.stageReached };
    const fields = { jobId: frame.jobId, seq: frame.seq, error: recorded.error };
    if (recorded.error.code === "STALE_LEASE") {
      logEvent("warn", "job update from a fenced-out holder refused by D1", fields);
      return { kind: "stale" };
    }
    if (recorded.error.retryable) {
      logEvent("warn", "job update not recorded; agent will resend", fields);
      sendFrame(ws, {
        type: "error",
        code: "TRY_AGAIN",
        message: "could not record; resend later",
        ref: frame.id,
      });
      return { kind: "resend" };
    }
    bumpCounter(this.hub.sql, "updates_refused");
    logEvent("warn", "job update refused by the workflow", fields);
    return { kind: "refused" };
  }

  /**
   * Moves the job's stream past this frame (as recorded), with the stage it holds for the outcome, if
   * the frame's lease still holds.
   */
  private advance(frame: JobFrame, update: JobUpdate, reached: ReachedStage | undefined): boolean {
    const { jobId, epoch, seq } = frame;
    const now = this.hub.now();
    if (update.kind === "stage")
      return this.hub.queue.advance({ jobId, epoch, seq, stage: update.stage, reached, now });
    if (update.kind === "step") return this.hub.queue.advance({ jobId, epoch, seq, stage: null, now });
    return this.hub.queue.finish({ jobId, epoch, seq, outcome: outcomeCodeOf(update), now });
  }

  private refuseStale(ws: WebSocket, frame: JobFrame, current: number): void {
    bumpCounter(this.hub.sql, "frames_stale_epoch");
    sendFrame(ws, {
      type: "error",
      code: "STALE_EPOCH",
      message: `epoch ${frame.epoch} is stale (now ${current})`,
      ref: frame.id,
    });
    sendFrame(ws, { type: "job.cancel", jobId: frame.jobId, epoch: frame.epoch, reason: "reassigned" });
  }
}
