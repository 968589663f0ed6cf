import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import type { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import { logEvent } from "../log.ts";
import { type SocketFacts, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { JobRow } from "./job-queue.ts";
import type { JobUpdate } from "./job-reports.ts";

type JobFrame = Extract<AgentToEdge, { type: "job.progress" | "job.result" }>;

function toJobUpdate(row: JobRow, facts: SocketFacts, frame: JobFrame): JobUpdate | null {
  const base = {
    tenantId: row.tenant_id,
    siteId: row.site_id,
    jobId: row.job_id,
    requestId: row.request_id,
    agentId: facts.agentId,
    epoch: frame.epoch,
    seq: frame.seq,
    eventId: frame.id,
  };
  if (frame.type === "job.result") {
    return frame.outcome.ok
      ? { ...base, update: { kind: "succeeded", vm: frame.outcome.vm, at: frame.at } }
      : { ...base, update: { kind: "failed", failure: frame.outcome.failure, at: frame.at } };
  }
  if (frame.update.kind !== "stage") return null;
  return { ...base, update: { kind: "stage", stage: frame.update.stage, at: frame.update.at } };
}

function toProgress(requestId: string, frame: JobFrame): ProgressUpdate {
  if (frame.type === "job.result") {
    return frame.outcome.ok
      ? { kind: "succeeded", requestId, vm: frame.outcome.vm, at: frame.at }
      : { kind: "failed", requestId, failure: frame.outcome.failure, at: frame.at };
  }
  return { ...frame.update, requestId };
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

  private async applyOne(ws: WebSocket, facts: SocketFacts, frame: JobFrame): Promise<void> {
    const { queue } = this.hub;
    const checked = queue.checkLease({ jobId: frame.jobId, epoch: frame.epoch, agentId: facts.agentId });
    if (!checked.ok) {
      if (checked.error.code === "STALE_EPOCH") return this.refuseStale(ws, frame, checked.error.current);
      bumpCounter(this.hub.sql, "frames_unknown_job");
      sendFrame(ws, { type: "error", code: "UNKNOWN_JOB", message: `no job ${frame.jobId}`, ref: frame.id });
      return;
    }
    const row = checked.value;
    const isPercent = frame.type === "job.progress" && frame.update.kind === "percent";
    if (isPercent) {
      // ephemeral: shown only while its stage is the latest applied one
      if (frame.seq === row.last_seq)
        await this.hub.sink.publish(toProgress(row.request_id, frame), { tenantId: row.tenant_id });
      return;
    }
    if (frame.seq <= row.last_seq) {
      sendFrame(ws, { type: "ack", ref: frame.id, jobId: frame.jobId, seq: frame.seq });
      return;
    }
    if (frame.seq !== row.last_seq + 1) {
      sendFrame(ws, {
        type: "error",
        code: "SEQ_GAP",
        message: `expected seq ${row.last_seq + 1}`,
        ref: frame.id,
      });
      return;
    }
    const update = toJobUpdate(row, facts, frame);
    let refused = false;
    if (update) {
      const recorded = await this.hub.sink.record(update);
      if (!recorded.ok && recorded.error.retryable) {
        logEvent("warn", "job update not recorded; agent will resend", {
          jobId: frame.jobId,
          seq: frame.seq,
          error: recorded.error,
        });
        sendFrame(ws, {
          type: "error",
          code: "TRY_AGAIN",
          message: "could not record; resend later",
          ref: frame.id,
        });
        return;
      }
      // a refusal (unknown request, stage going backwards) will not change on resend: ack and count it
      if (!recorded.ok) {
        refused = true;
        bumpCounter(this.hub.sql, "updates_refused");
        logEvent("warn", "job update refused by the workflow", {
          jobId: frame.jobId,
          seq: frame.seq,
          error: recorded.error,
        });
      }
    }
    const now = this.hub.now();
    // the lease may have moved while D1 was awaited; only the holder advances the stream
    const advanced =
      frame.type === "job.result"
        ? queue.finish({
            jobId: frame.jobId,
            epoch: frame.epoch,
            seq: frame.seq,
            outcome: frame.outcome,
            now,
          })
        : queue.advance({
            jobId: frame.jobId,
            epoch: frame.epoch,
            seq: frame.seq,
            stage: frame.update.stage,
            now,
          });
    if (!advanced) return this.refuseStale(ws, frame, queue.get(frame.jobId)?.epoch ?? frame.epoch);
    sendFrame(ws, { type: "ack", ref: frame.id, jobId: frame.jobId, seq: frame.seq });
    // progress only ever shows what the log holds (R11)
    if (!refused) await this.hub.sink.publish(toProgress(row.request_id, frame), { tenantId: row.tenant_id });
    if (frame.type === "job.result") await this.hub.dispatch();
  }
}
