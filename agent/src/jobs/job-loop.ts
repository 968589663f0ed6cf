import type {
  AgentCall,
  AgentCallMethod,
  AgentCallResult,
  AgentJob,
  AgentToEdge,
  EdgeToAgent,
  FrameBody,
} from "@gantry/shared/protocol/agent";
import { DIRECT_GRANT_PROTOCOL, SUPPORTED_PROTOCOL_VERSIONS } from "@gantry/shared/protocol/version";
import type { Outbox } from "../edge/outbox.ts";
import type { Logger } from "../log.ts";
import type { HandlerRegistry } from "./handlers.ts";
import { type DurableFrame, JobRun, type StopCause } from "./job-runner.ts";
import type { Journal, JournaledJob } from "./journal.ts";
import { LeaseClock } from "./lease-clock.ts";

type Frame<TType extends EdgeToAgent["type"]> = Extract<EdgeToAgent, { type: TType }>;

/** The one part of the connection the loop uses: send a frame while welcomed. */
export interface FrameSender {
  send(body: FrameBody<AgentToEdge>, id?: string): string | null;
}

export interface JobLoopOptions {
  journal: Journal;
  outbox: Outbox;
  sender: FrameSender;
  handlers: HandlerRegistry;
  capacity: number;
  version: string;
  log: Logger;
  /** Answers `call` frames (live VM status, vCenter test, inventory refresh). */
  answerCall(call: AgentCall): Promise<AgentCallResult>;
  /** The calls `answerCall` can serve, said in hello so the hub asks only an agent that can. */
  calls: readonly AgentCallMethod[];
  /** Told when a job starts and ends working on its VM (the drift watch holds the VM meanwhile). */
  watch?: { started(job: AgentJob): void; ended(job: AgentJob): void };
  monotonic?: () => number;
}

interface Running {
  run: JobRun;
  lease: LeaseClock;
  epoch: number;
  done: Promise<void>;
}

/**
 * Decides when to take work and how to stop: accepts offers (and direct grants) within capacity, starts a run per grant,
 * renews leases on every tick, applies cancels, resumes journaled jobs after a restart, and drains
 * on stopGracefully / aborts on stopNow (R13). Holds all of the agent's job state; nothing global.
 */
export class JobLoop {
  private readonly runs = new Map<string, Running>();
  private readonly pendingAccepts = new Map<string, number>();
  private readonly renewalsSent = new Map<string, number>();
  private draining = false;
  private leaseTtlMs = 90_000;
  private helloSentAt = 0;
  /** The protocol the edge welcomed us with: from 5 on it may grant without an offer. */
  private protocol = 1;
  /** The last measured round trip (hello → welcome, renew → renewed): how far back a direct grant's lease may have started. */
  private roundTripMs = 0;
  private readonly now: () => number;

  constructor(private readonly options: JobLoopOptions) {
    this.now = options.monotonic ?? (() => performance.now());
  }

  get inFlight(): number {
    return this.runs.size;
  }

  /**
   * Entries of each structure the loop keeps per job: all zero once every job has ended and the edge
   * answered, so nothing of a finished job stays in memory however many the agent has run.
   */
  get retained(): { runs: number; pendingAccepts: number; renewalsSent: number } {
    return {
      runs: this.runs.size,
      pendingAccepts: this.pendingAccepts.size,
      renewalsSent: this.renewalsSent.size,
    };
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The hello body for each (re)connect: capacity and the jobs this agent still holds. */
  hello(): Extract<FrameBody<AgentToEdge>, { type: "hello" }> {
    this.helloSentAt = this.now();
    return {
      type: "hello",
      agent: { version: this.options.version },
      protocols: [...SUPPORTED_PROTOCOL_VERSIONS],
      capacity: this.options.capacity,
      draining: this.draining,
      running: this.heldLeases(),
      calls: [...this.options.calls],
      // the hub offers only these kinds: an agent without a vCenter names none
      jobs: [...this.options.handlers.keys()],
    };
  }

  /** Jobs still running, plus finished ones whose last frames the edge has not acked: both hold a lease. */
  private heldLeases(): { jobId: string; epoch: number }[] {
    const held = new Map<string, number>();
    for (const j of this.options.journal.jobs()) held.set(j.job.jobId, j.epoch);
    for (const e of this.options.outbox.pending()) if (!held.has(e.jobId)) held.set(e.jobId, e.epoch);
    return [...held].map(([jobId, epoch]) => ({ jobId, epoch }));
  }

  onWelcome(welcome: Frame<"welcome">): void {
    this.leaseTtlMs = welcome.leaseTtlMs;
    this.protocol = welcome.protocol;
    this.roundTripMs = this.now() - this.helloSentAt;
    for (const j of welcome.jobs) {
      if (j.status === "lost") {
        this.options.log.warn("job lost while disconnected; dropping it", { jobId: j.jobId, epoch: j.epoch });
        this.abandon(j.jobId, "lease-lost");
        continue;
      }
      this.options.outbox.dropApplied(j.jobId, j.lastSeq);
      const running = this.runs.get(j.jobId);
      if (running) running.lease.renewed(this.helloSentAt);
      else {
        const journaled = this.options.journal.job(j.jobId);
        if (journaled) this.start(journaled, new LeaseClock(this.leaseTtlMs, this.helloSentAt, this.now));
      }
    }
    this.options.outbox.flush();
  }

  onFrame(frame: EdgeToAgent): void {
    switch (frame.type) {
      case "job.offer":
        this.onOffer(frame);
        return;
      case "job.granted":
        this.onGranted(frame);
        return;
      case "job.cancel":
        this.onCancel(frame);
        return;
      case "lease.renewed":
        this.onRenewed(frame);
        return;
      case "ack":
        this.options.outbox.ack(frame.ref);
        return;
      case "call":
        void this.options.answerCall(frame.call).then((result) => {
          this.options.sender.send({ type: "call.result", ref: frame.id, result });
        });
        return;
      case "error":
        this.options.log.warn("edge reported an error", {
          code: frame.code,
          message: frame.message,
          ref: frame.ref,
        });
        return;
      case "welcome":
        this.onWelcome(frame);
        return;
    }
  }

  /** Every renew interval: one real message renews every lease (the auto-ping renews nothing). */
  onTick(): void {
    const id = crypto.randomUUID();
    const sentAt = this.now();
    const sent = this.options.sender.send(
      {
        type: "lease.renew",
        leases: [...this.runs].map(([jobId, r]) => ({ jobId, epoch: r.epoch })),
        capacity: this.options.capacity,
        draining: this.draining,
      },
      id,
    );
    if (sent) this.renewalsSent.set(id, sentAt);
    for (const [ref, at] of this.renewalsSent)
      if (sentAt - at > 4 * this.leaseTtlMs) this.renewalsSent.delete(ref);
    for (const [jobId, at] of this.pendingAccepts)
      if (sentAt - at > 30_000) this.pendingAccepts.delete(jobId);
    this.options.outbox.resendIfOverdue();
  }

  private onOffer(offer: Frame<"job.offer">): void {
    const free = this.options.capacity - this.runs.size - this.pendingAccepts.size;
    const known = this.options.handlers.has(offer.kind as never);
    if (this.draining || free <= 0 || !known) {
      const reason = this.draining ? "draining" : !known ? "unknown-kind" : "at-capacity";
      this.options.sender.send({ type: "job.decline", jobId: offer.jobId, reason });
      return;
    }
    this.pendingAccepts.set(offer.jobId, this.now());
    this.options.sender.send({ type: "job.accept", jobId: offer.jobId });
  }

  private onGranted(grant: Frame<"job.granted">): void {
    const acceptSentAt = this.pendingAccepts.get(grant.jobId);
    this.pendingAccepts.delete(grant.jobId);
    if (this.runs.has(grant.jobId)) return;
    if (acceptSentAt === undefined && this.protocol >= DIRECT_GRANT_PROTOCOL) {
      this.onDirectGrant(grant);
      return;
    }
    if (acceptSentAt === undefined || this.draining) {
      this.giveBack(grant, "shutdown");
      return;
    }
    this.startGranted(grant, acceptSentAt);
  }

  /**
   * A grant the hub sent unasked (protocol 5): taken when there is room for its kind, else given straight
   * back ("refused") so the hub queues it for another agent. Its lease started at the hub before the frame
   * left, at most one round trip before now; the clock counts from there, so it never outlives the hub's.
   */
  private onDirectGrant(grant: Frame<"job.granted">): void {
    const free = this.options.capacity - this.runs.size - this.pendingAccepts.size;
    if (this.draining || free <= 0 || !this.options.handlers.has(grant.job.kind)) {
      this.giveBack(grant, "refused");
      return;
    }
    this.startGranted(grant, this.now() - this.roundTripMs);
  }

  /** A grant this agent will not run, handed straight back before anything was done. */
  private giveBack(grant: Frame<"job.granted">, reason: "shutdown" | "refused"): void {
    this.options.sender.send({ type: "job.release", jobId: grant.jobId, epoch: grant.epoch, reason });
  }

  private startGranted(grant: Frame<"job.granted">, leaseStartedBy: number): void {
    const journaled: JournaledJob = {
      job: grant.job,
      epoch: grant.epoch,
      attempt: grant.attempt,
      nextSeq: grant.lastSeq + 1,
      stages: grant.stages,
      startedAt: new Date().toISOString(),
    };
    this.options.journal.update((d) => {
      d.jobs[grant.jobId] = journaled;
    });
    this.start(journaled, new LeaseClock(grant.leaseTtlMs, leaseStartedBy, this.now));
  }

  private onCancel(cancel: Frame<"job.cancel">): void {
    const running = this.runs.get(cancel.jobId);
    if (running && running.epoch !== cancel.epoch) return;
    if (cancel.reason === "requested" && running) {
      this.options.log.info("job cancelled by the edge", { jobId: cancel.jobId });
      running.run.stop("cancelled");
      return;
    }
    if (cancel.reason !== "requested") this.abandon(cancel.jobId, "lease-lost");
  }

  private onRenewed(renewed: Frame<"lease.renewed">): void {
    const sentAt = this.renewalsSent.get(renewed.ref);
    this.renewalsSent.delete(renewed.ref);
    if (sentAt !== undefined) this.roundTripMs = this.now() - sentAt;
    for (const lease of renewed.leases) {
      const running = this.runs.get(lease.jobId);
      if (!running || running.epoch !== lease.epoch) continue;
      if (!lease.ok) this.abandon(lease.jobId, "lease-lost");
      else if (sentAt !== undefined) running.lease.renewed(sentAt);
    }
  }

  /** Stops a run (if any) that no longer holds its lease, and forgets the job and its unsent frames. */
  private abandon(jobId: string, cause: StopCause): void {
    this.runs.get(jobId)?.run.stop(cause);
    this.options.outbox.dropJob(jobId);
    if (this.options.journal.job(jobId)) {
      this.options.journal.update((d) => {
        delete d.jobs[jobId];
      });
    }
  }

  private start(journaled: JournaledJob, lease: LeaseClock): void {
    const { job, epoch } = journaled;
    const handler = this.options.handlers.get(job.kind);
    const log = this.options.log.child({ jobId: job.jobId, requestId: job.requestId, epoch });
    if (!handler) {
      this.abandon(job.jobId, "shutdown");
      this.options.sender.send({ type: "job.release", jobId: job.jobId, epoch, reason: "handler-missing" });
      return;
    }
    const run = new JobRun({
      job,
      attempt: journaled.attempt,
      handler,
      lease,
      log,
      stagesReported: journaled.stages,
      emitDurable: (frame) => this.emitDurable(job.jobId, frame),
      emitPercent: (update) => {
        const current = this.options.journal.job(job.jobId);
        if (!current || current.nextSeq <= 1) return;
        this.options.sender.send({
          type: "job.progress",
          jobId: job.jobId,
          epoch,
          seq: current.nextSeq - 1,
          update,
        });
      },
    });
    log.info("job started", { attempt: journaled.attempt, kind: job.kind });
    // registered before the handler starts: a stage it reports at once may find the outbox full and must stop it
    const running: Running = { run, lease, epoch, done: Promise.resolve() };
    this.runs.set(job.jobId, running);
    this.options.watch?.started(job);
    running.done = run
      .run()
      .then(
        (outcome) => this.finished(job.jobId, epoch, run, outcome),
        (error: unknown) => log.error("job run crashed", { error: String(error) }),
      )
      .finally(() => this.options.watch?.ended(job));
  }

  private emitDurable(jobId: string, frame: DurableFrame): void {
    if (this.options.outbox.append(jobId, frame) !== "full") return;
    this.options.log.error("outbox full; giving the job back", { jobId });
    this.runs.get(jobId)?.run.stop("lease-lost");
  }

  private finished(jobId: string, epoch: number, run: JobRun, outcome: "reported" | "abandoned"): void {
    if (this.runs.get(jobId)?.run === run) this.runs.delete(jobId);
    const log = this.options.log.child({ jobId, epoch });
    if (outcome === "abandoned") {
      const reason = run.stopCause === "shutdown" ? "shutdown" : "lease-lost";
      log.warn("job handed back", { reason });
      this.options.sender.send({ type: "job.release", jobId, epoch, reason });
      if (reason === "lease-lost") this.options.outbox.dropJob(jobId);
    } else {
      log.info("job finished");
    }
    if (this.options.journal.job(jobId)?.epoch === epoch) {
      this.options.journal.update((d) => {
        delete d.jobs[jobId];
      });
    }
  }

  /** SIGTERM: take no new jobs, let running ones finish within `graceMs`, then hand the rest back. */
  async stopGracefully(graceMs: number): Promise<void> {
    this.draining = true;
    this.onTick();
    const all = () => Promise.all([...this.runs.values()].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const result = await Promise.race([all().then(() => "done" as const), grace]);
    clearTimeout(timer);
    if (result === "timeout") await this.stopNow();
  }

  /** Second SIGTERM: abort every run now and hand the jobs back to the queue. */
  async stopNow(): Promise<void> {
    this.draining = true;
    for (const r of this.runs.values()) r.run.stop("shutdown");
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }
}
