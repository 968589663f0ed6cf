import type { ReachedStage } from "@gantry/shared/events/vm";
import type { ProvisioningFailureCode } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { VmActionFailureCode } from "@gantry/shared/jobs/vm-action-job";
import { AgentJob } from "@gantry/shared/protocol/agent";
import { err, ok, type Result } from "@gantry/shared/result";
import { bumpCounter } from "./hub-storage.ts";
import { type Job, type JobRow, type JobState, type StopReason, toJob } from "./job.ts";

// The states a job can still leave, written out so a statement's read is bounded by the jobs_state or
// jobs_agent index: `state != 'done'` scans every job the site ever ran (see `enqueue` on why done rows stay).
const LIVE_STATES = "('queued', 'offered', 'leased')";

export type FrameRefusal = { code: "UNKNOWN_JOB" } | { code: "STALE_EPOCH"; current: number };

export interface Grant {
  job: AgentJob;
  epoch: number;
  attempt: number;
  lastSeq: number;
  stages: ProvisioningStage[];
}

/** The `outcome` of a job that ended with one of these failure codes; any other failure is "failed". */
const ENDED_AS: Partial<Record<ProvisioningFailureCode | VmActionFailureCode, string>> = {
  CANCELLED: "cancelled",
  TIMED_OUT: "timed-out",
};

/**
 * The job queue and its leases in the hub's SQLite, the only code that touches the `jobs` table.
 * Every method is synchronous, so each one is atomic (no await between statements) and safe from
 * interleaving.
 */
export class JobQueue {
  constructor(private readonly sql: SqlStorage) {}

  #row(jobId: string): JobRow | null {
    return this.sql.exec<JobRow>("SELECT * FROM jobs WHERE job_id = ?", jobId).toArray()[0] ?? null;
  }

  #all(query: string, ...bindings: SqlStorageValue[]): Job[] {
    return this.sql
      .exec<JobRow>(query, ...bindings)
      .toArray()
      .map(toJob);
  }

  get(jobId: string): Job | null {
    const row = this.#row(jobId);
    return row ? toJob(row) : null;
  }

  /**
   * Idempotent by job id: a second enqueue of the same job changes nothing. The outbox relays at least
   * once, so a dispatch may come again after its job ended, and a stop of a job the hub does not know
   * records it as cancelled: a done row keeps both from acting on a finished job, so rows are never deleted.
   */
  enqueue(input: { tenantId: string; siteId: string; job: AgentJob; now: number }): "queued" | "duplicate" {
    const { job, now } = input;
    const cursor = this.sql.exec(
      `INSERT INTO jobs (job_id, tenant_id, site_id, request_id, kind, spec, state, enqueued_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?7) ON CONFLICT (job_id) DO NOTHING`,
      job.jobId,
      input.tenantId,
      input.siteId,
      job.requestId,
      job.kind,
      JSON.stringify(job),
      now,
    );
    return cursor.rowsWritten > 0 ? "queued" : "duplicate";
  }

  queued(): Job[] {
    return this.#all("SELECT * FROM jobs WHERE state = 'queued' ORDER BY enqueued_at, job_id");
  }

  active(): Job[] {
    return this.#all(`SELECT * FROM jobs WHERE state IN ${LIVE_STATES} ORDER BY enqueued_at, job_id`);
  }

  /** Offered plus leased jobs per agent: what counts against its capacity. */
  loadByAgent(): Map<string, number> {
    const rows = this.sql
      .exec<{ agent_id: string; n: number }>(
        "SELECT agent_id, count(*) AS n FROM jobs WHERE state IN ('offered', 'leased') GROUP BY agent_id",
      )
      .toArray();
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  /** False when the job is no longer queued (another dispatch took it). */
  offer(input: { jobId: string; agentId: string; now: number; offerTimeoutMs: number }): boolean {
    const cursor = this.sql.exec(
      `UPDATE jobs SET state = 'offered', agent_id = ?2, offer_expires_at = ?3, updated_at = ?4
       WHERE job_id = ?1 AND state = 'queued'`,
      input.jobId,
      input.agentId,
      input.now + input.offerTimeoutMs,
      input.now,
    );
    return cursor.rowsWritten > 0;
  }

  /** Accepting an offer grants the lease under a new epoch; a repeated accept returns the same grant. */
  grant(input: {
    jobId: string;
    agentId: string;
    now: number;
    leaseTtlMs: number;
  }): Result<Grant, { code: "NOT_OFFERED" }> {
    const row = this.#row(input.jobId);
    if (!row || row.agent_id !== input.agentId || (row.state !== "offered" && row.state !== "leased")) {
      return err({ code: "NOT_OFFERED" });
    }
    if (row.state === "offered") {
      this.sql.exec(
        `UPDATE jobs SET state = 'leased', epoch = epoch + 1, attempt = attempt + 1, offer_expires_at = NULL,
           lease_expires_at = ?2, updated_at = ?3, first_granted_at = COALESCE(first_granted_at, ?3)
         WHERE job_id = ?1`,
        input.jobId,
        input.now + input.leaseTtlMs,
        input.now,
      );
      bumpCounter(this.sql, "leases_granted");
    }
    const granted = this.#row(input.jobId);
    if (!granted) return err({ code: "NOT_OFFERED" });
    return ok({
      job: AgentJob.parse(JSON.parse(granted.spec)),
      epoch: granted.epoch,
      attempt: granted.attempt,
      lastSeq: granted.last_seq,
      stages: toJob(granted).stages,
    });
  }

  /** Back to the queue after a decline; the decliner is skipped until it renews (and so re-states capacity). */
  decline(input: { jobId: string; agentId: string; now: number }): void {
    this.sql.exec(
      `UPDATE jobs SET state = 'queued', agent_id = NULL, offer_expires_at = NULL, declined_by = ?2, updated_at = ?3
       WHERE job_id = ?1 AND state = 'offered' AND agent_id = ?2`,
      input.jobId,
      input.agentId,
      input.now,
    );
  }

  /**
   * After `requeue` of a direct grant the agent refused: it never ran, so the grant's attempt (and the
   * start of the job's maximum duration, if that was its first grant) is undone, and the refuser is
   * skipped until it renews, as after a decline. The epoch stays raised: it fences that grant. A job
   * with any frame applied did run: a "refusal" of it changes nothing here.
   */
  refused(input: { jobId: string; agentId: string }): void {
    this.sql.exec(
      `UPDATE jobs SET declined_by = ?2, attempt = max(attempt - 1, 0),
         first_granted_at = CASE WHEN attempt <= 1 THEN NULL ELSE first_granted_at END
       WHERE job_id = ?1 AND state IN ('queued', 'done') AND last_seq = 0`,
      input.jobId,
      input.agentId,
    );
  }

  /** Only a job that may still be dispatched skips its decliner; a done one's `declined_by` never matters. */
  clearDeclines(agentId: string): void {
    this.sql.exec(
      `UPDATE jobs SET declined_by = NULL WHERE state IN ${LIVE_STATES} AND declined_by = ?`,
      agentId,
    );
  }

  /** The fencing check every job frame passes before anything is applied. */
  checkLease(input: { jobId: string; epoch: number; agentId: string }): Result<Job, FrameRefusal> {
    const job = this.get(input.jobId);
    if (!job) return err({ code: "UNKNOWN_JOB" });
    if (job.state !== "leased" || job.epoch !== input.epoch || job.agentId !== input.agentId) {
      return err({ code: "STALE_EPOCH", current: job.epoch });
    }
    return ok(job);
  }

  renew(input: { jobId: string; epoch: number; agentId: string; now: number; leaseTtlMs: number }): boolean {
    const cursor = this.sql.exec(
      `UPDATE jobs SET lease_expires_at = ?4, updated_at = ?5
       WHERE job_id = ?1 AND epoch = ?2 AND agent_id = ?3 AND state = 'leased'`,
      input.jobId,
      input.epoch,
      input.agentId,
      input.now + input.leaseTtlMs,
      input.now,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * Records that frames up to `seq` are applied, the provisioning stage the frame reached (null for a
   * VM action's step), and a stage reached after the first that the log does not hold (held until the
   * outcome carries it); conditional so a stale writer changes nothing. One statement: the frame is
   * acked only after it, so a held stage survives a crash right after the ack.
   */
  advance(input: {
    jobId: string;
    epoch: number;
    seq: number;
    stage: ProvisioningStage | null;
    reached?: ReachedStage | undefined;
    now: number;
  }): boolean {
    const cursor = this.sql.exec(
      `UPDATE jobs SET last_seq = ?3, updated_at = ?4,
         stages = CASE WHEN ?5 IS NULL THEN stages ELSE json_insert(stages, '$[#]', ?5) END,
         stages_reached = CASE WHEN ?6 IS NULL THEN stages_reached
           ELSE json_insert(stages_reached, '$[#]', json(?6)) END
       WHERE job_id = ?1 AND epoch = ?2 AND state = 'leased' AND last_seq = ?3 - 1`,
      input.jobId,
      input.epoch,
      input.seq,
      input.now,
      input.stage,
      input.reached ? JSON.stringify(input.reached) : null,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * The job's last frame was applied: done, with how it ended ("succeeded", or the failure's code of a
   * provisioning job or a VM action).
   */
  finish(input: {
    jobId: string;
    epoch: number;
    seq: number;
    outcome: "succeeded" | ProvisioningFailureCode | VmActionFailureCode;
    now: number;
  }): boolean {
    const code = input.outcome;
    const outcome = code === "succeeded" ? code : (ENDED_AS[code] ?? "failed");
    const cursor = this.sql.exec(
      `UPDATE jobs SET state = 'done', outcome = ?4, last_seq = ?3, lease_expires_at = NULL, updated_at = ?5
       WHERE job_id = ?1 AND epoch = ?2 AND state = 'leased' AND last_seq = ?3 - 1`,
      input.jobId,
      input.epoch,
      input.seq,
      outcome,
      input.now,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * Puts a job an agent gives back (or loses) into the queue; the next grant fences the old epoch. A
   * stopped job ends instead, its outcome pending. With `expiredBy`, only if its deadline really passed
   * by then (a renewal may have landed since the expired rows were read).
   */
  requeue(input: { jobId: string; epoch: number; now: number; expiredBy?: number }): boolean {
    const cursor = this.sql.exec(
      `UPDATE jobs SET state = CASE WHEN cancel_requested = 1 THEN 'done' ELSE 'queued' END,
         outcome = CASE WHEN cancel_requested = 0 THEN NULL
           WHEN stop_reason = 'timed-out' THEN 'timed-out' ELSE 'cancelled' END,
         outcome_pending = cancel_requested,
         agent_id = NULL, lease_expires_at = NULL, offer_expires_at = NULL, updated_at = ?3
       WHERE job_id = ?1 AND epoch = ?2 AND state IN ('offered', 'leased')
         AND (?4 IS NULL OR (CASE state WHEN 'leased' THEN lease_expires_at ELSE offer_expires_at END) <= ?4)`,
      input.jobId,
      input.epoch,
      input.now,
      input.expiredBy ?? null,
    );
    return cursor.rowsWritten > 0;
  }

  /** Stopped jobs whose outcome no agent reported and the D1 log does not hold yet (index jobs_outcome_pending). */
  pendingOutcomes(): Job[] {
    return this.#all("SELECT * FROM jobs WHERE outcome_pending = 1");
  }

  outcomeRecorded(jobId: string): void {
    this.sql.exec("UPDATE jobs SET outcome_pending = 0 WHERE job_id = ?", jobId);
  }

  /** Jobs offered to or leased by an agent, e.g. to take them back on revoke or disconnect. */
  heldBy(agentId: string, states: readonly JobState[] = ["offered", "leased"]): Job[] {
    // the states in SQL: a done job keeps its agent, so filtering afterwards read every job it ever ran
    const marks = states.map(() => "?").join(", ");
    return this.#all(`SELECT * FROM jobs WHERE agent_id = ? AND state IN (${marks})`, agentId, ...states);
  }

  /** Offers and leases whose deadline has passed by hub time. Reading them changes nothing. */
  expired(now: number): Job[] {
    return this.#all(
      `SELECT * FROM jobs WHERE (state = 'leased' AND lease_expires_at <= ?1)
         OR (state = 'offered' AND offer_expires_at <= ?1)`,
      now,
    );
  }

  /**
   * The earliest moment the sweep has work: an offer or lease expiring, a job reaching the maximum
   * duration, or a stopped job's agent running out of time to answer.
   */
  nextDeadline(maxDurationMs: number): number | null {
    return (
      this.sql
        .exec<{ at: number | null }>(
          `SELECT min(at) AS at FROM (
             SELECT CASE state WHEN 'leased' THEN lease_expires_at ELSE offer_expires_at END AS at
               FROM jobs WHERE state IN ('offered', 'leased')
             UNION ALL SELECT first_granted_at + ?1 FROM jobs
               WHERE state IN ${LIVE_STATES} AND stop_reason IS NULL AND first_granted_at IS NOT NULL
             UNION ALL SELECT stop_deadline FROM jobs WHERE state = 'leased' AND stop_deadline IS NOT NULL)`,
          maxDurationMs,
        )
        .one().at ?? null
    );
  }

  /** Jobs not finished and not stopped yet whose first grant is `maxDurationMs` or more ago. */
  overdue(now: number, maxDurationMs: number): Job[] {
    return this.#all(
      `SELECT * FROM jobs WHERE state IN ${LIVE_STATES} AND stop_reason IS NULL
         AND first_granted_at IS NOT NULL AND first_granted_at + ?2 <= ?1`,
      now,
      maxDurationMs,
    );
  }

  /** Stopped jobs an agent still holds past the time it had to report their end. */
  stopsPastDeadline(now: number): Job[] {
    return this.#all(
      "SELECT * FROM jobs WHERE state = 'leased' AND stop_deadline IS NOT NULL AND stop_deadline <= ?",
      now,
    );
  }

  /**
   * Queued or offered jobs end here; a leased job is flagged and the agent is told to stop. With a
   * `tombstone`, a job not (yet) queued is recorded as cancelled, so a dispatch arriving later (an
   * outbox relay racing the stop) finds it and never runs it.
   */
  requestCancel(input: {
    jobId: string;
    now: number;
    /** why (default: an admin asked) */
    reason?: StopReason;
    /** how long a holding agent has to report the job's end before the hub takes it back */
    graceMs: number;
    /** `kind`: the job's (a VM action's `vm.*`); provision-vm when not given */
    tombstone?: { tenantId: string; siteId: string; requestId: string; kind?: string };
  }): "cancelled" | "cancelling" | "finished" | "unknown" {
    const reason = input.reason ?? "requested";
    const outcome = reason === "timed-out" ? "timed-out" : "cancelled";
    const row = this.#row(input.jobId);
    if (!row && input.tombstone) {
      const t = input.tombstone;
      this.sql.exec(
        `INSERT INTO jobs (job_id, tenant_id, site_id, request_id, kind, spec, state, outcome, cancel_requested,
           outcome_pending, stop_reason, enqueued_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?8, '{}', 'done', ?6, 1, 1, ?7, ?5, ?5)`,
        input.jobId,
        t.tenantId,
        t.siteId,
        t.requestId,
        input.now,
        outcome,
        reason,
        t.kind ?? "provision-vm",
      );
      return "cancelled";
    }
    if (!row) return "unknown";
    if (row.state === "done") return "finished";
    if (row.state === "leased") {
      // a second stop keeps the first one's reason and deadline
      this.sql.exec(
        `UPDATE jobs SET cancel_requested = 1, updated_at = ?2, stop_reason = COALESCE(stop_reason, ?3),
           stop_deadline = COALESCE(stop_deadline, ?4) WHERE job_id = ?1`,
        input.jobId,
        input.now,
        reason,
        input.now + input.graceMs,
      );
      return "cancelling";
    }
    this.sql.exec(
      `UPDATE jobs SET state = 'done', outcome = ?3, cancel_requested = 1, outcome_pending = 1, stop_reason = ?4,
         agent_id = NULL, offer_expires_at = NULL, updated_at = ?2 WHERE job_id = ?1`,
      input.jobId,
      input.now,
      outcome,
      reason,
    );
    return "cancelled";
  }
}
