import { PROTOCOL_VERSION } from "@gantry/shared/protocol/version";
import type { DurableFrame } from "../jobs/job-runner.ts";
import type { Journal, OutboxEntry } from "../jobs/journal.ts";

/**
 * Durable job frames on their way to the edge: journaled before the first send, resent in order
 * after a reconnect or when an ack is overdue, removed only on the edge's ack. The edge dedups by
 * (job, seq), so a resend is harmless and every stage arrives exactly once, in order.
 */
export class Outbox {
  private lastSentAt = 0;
  private readonly emptied = new Set<() => void>();

  constructor(
    private readonly journal: Journal,
    private readonly options: { limit: number; ackTimeoutMs: number; send: (raw: string) => boolean },
  ) {}

  get size(): number {
    return this.journal.outbox().length;
  }

  pending(): readonly OutboxEntry[] {
    return this.journal.outbox();
  }

  /** True when there is room for one more frame. */
  hasRoom(): boolean {
    return this.size < this.options.limit;
  }

  /**
   * Gives a job's next durable frame its seq, journals it together with the job's new `nextSeq` (so a
   * restart can never reuse a seq or lose a frame), then sends it if connected.
   */
  append(jobId: string, frame: DurableFrame): "appended" | "full" | "unknown-job" {
    const journaled = this.journal.job(jobId);
    if (!journaled) return "unknown-job";
    if (!this.hasRoom()) return "full";
    const id = crypto.randomUUID();
    const { epoch, nextSeq: seq } = journaled;
    const entry: OutboxEntry = {
      id,
      jobId,
      epoch,
      seq,
      frame: JSON.stringify({ v: PROTOCOL_VERSION, id, ...frame, jobId, epoch, seq }),
    };
    this.journal.update((d) => {
      const j = d.jobs[jobId];
      if (j) j.nextSeq = seq + 1;
      if (j && frame.type === "job.progress" && frame.update.kind === "stage")
        j.stages.push(frame.update.stage);
      d.outbox.push(entry);
    });
    this.sendLatest(entry);
    return "appended";
  }

  /** Sends what the journal holds (after `append` wrote it), in order. */
  flush(): void {
    for (const entry of this.journal.outbox()) {
      if (!this.options.send(entry.frame)) return;
    }
    this.lastSentAt = Date.now();
  }

  /** Sends a frame the journal just recorded. An earlier one still unacked is resent when overdue. */
  sendLatest(entry: OutboxEntry): void {
    if (this.options.send(entry.frame)) this.lastSentAt = Date.now();
  }

  ack(ref: string): void {
    if (!this.journal.outbox().some((e) => e.id === ref)) return;
    this.journal.update((d) => {
      d.outbox = d.outbox.filter((e) => e.id !== ref);
    });
    if (this.size === 0) for (const resolve of this.emptied) resolve();
  }

  /** Resolves true once every frame is acked, false if `timeoutMs` passes first (e.g. before exiting). */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.emptied.delete(onEmpty);
        resolve(value);
      };
      const onEmpty = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.emptied.add(onEmpty);
    });
  }

  /** Forgets frames the edge already applied (from `welcome.jobs[].lastSeq`). */
  dropApplied(jobId: string, lastSeq: number): void {
    if (!this.journal.outbox().some((e) => e.jobId === jobId && e.seq <= lastSeq)) return;
    this.journal.update((d) => {
      d.outbox = d.outbox.filter((e) => e.jobId !== jobId || e.seq > lastSeq);
    });
  }

  /** Forgets every frame of a job the agent no longer holds a lease for. */
  dropJob(jobId: string): void {
    if (!this.journal.outbox().some((e) => e.jobId === jobId)) return;
    this.journal.update((d) => {
      d.outbox = d.outbox.filter((e) => e.jobId !== jobId);
    });
  }

  /** Resends everything when the oldest frame has waited too long for its ack. */
  resendIfOverdue(): void {
    if (this.size > 0 && Date.now() - this.lastSentAt >= this.options.ackTimeoutMs) this.flush();
  }
}
