import { AgentJob } from "@gantry/shared/protocol/agent";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import type { JobDispatch } from "./job-dispatcher.ts";

// the job_outbox table (migrations 0003, 0008): rows are written with the approval (or a VM action),
// relayed, then marked dispatched, or failed when they can never be sent. Only this module has SQL on it.

/** The outbox row for a job; goes into the same batch as the event that asks for it. */
export const outboxInsert = (
  db: SqlDatabase,
  input: { dispatch: JobDispatch; requestId: string; now: string },
) =>
  db
    .prepare(
      `INSERT INTO job_outbox (job_id, tenant_id, site_id, request_id, job, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      input.dispatch.job.jobId,
      input.dispatch.tenantId,
      input.dispatch.siteId,
      input.requestId,
      JSON.stringify(input.dispatch.job),
      input.now,
    );

export async function markDispatched(
  db: SqlDatabase,
  input: { jobId: string; now: string },
): Promise<number> {
  const result = await db
    .prepare(
      "UPDATE job_outbox SET dispatched_at = ?, attempts = attempts + 1 WHERE job_id = ? AND dispatched_at IS NULL",
    )
    .bind(input.now, input.jobId)
    .run();
  return result.meta.rows_written ?? 0;
}

export async function markDispatchFailed(
  db: SqlDatabase,
  input: { jobId: string; error: string },
): Promise<void> {
  await db
    .prepare(
      "UPDATE job_outbox SET attempts = attempts + 1, last_error = ? WHERE job_id = ? AND dispatched_at IS NULL",
    )
    .bind(input.error.slice(0, 1000), input.jobId)
    .run();
}

/** The row can never be sent: out of the sweeper's window for good, with the reason kept for admins. */
export async function markUndeliverable(
  db: SqlDatabase,
  input: { jobId: string; reason: string; now: string },
): Promise<void> {
  await db
    .prepare("UPDATE job_outbox SET failed_at = ?, last_error = ? WHERE job_id = ? AND dispatched_at IS NULL")
    .bind(input.now, input.reason.slice(0, 1000), input.jobId)
    .run();
}

/** Where an outbox row belongs, whether or not its job still parses. */
export interface OutboxRowRef {
  jobId: string;
  tenantId: string;
  siteId: string;
  requestId: string;
  attempts: number;
  /** the job's kind as stored (`provision-vm`, `vm.*`), even when the rest does not parse; null if unknown */
  jobKind: string | null;
}

/** An undispatched row: its job, or why it cannot be read (it will never be sendable). */
export type PendingDispatch =
  | (OutboxRowRef & { kind: "job"; dispatch: JobDispatch })
  | (OutboxRowRef & { kind: "unreadable"; problem: string });

/** Undispatched, not failed rows created before `createdBefore`, oldest first. */
export async function undispatchedJobs(
  db: SqlDatabase,
  query: { createdBefore: string; maxAttempts: number; limit: number },
): Promise<PendingDispatch[]> {
  const { results } = await db
    .prepare(
      `SELECT job_id, tenant_id, site_id, request_id, job, attempts FROM job_outbox
       WHERE dispatched_at IS NULL AND failed_at IS NULL AND created_at < ? AND attempts < ?
       ORDER BY created_at LIMIT ?`,
    )
    .bind(query.createdBefore, query.maxAttempts, query.limit)
    .all<{
      job_id: string;
      tenant_id: string;
      site_id: string;
      request_id: string;
      job: string;
      attempts: number;
    }>();
  return results.map((row): PendingDispatch => {
    const raw = safeJson(row.job);
    const ref: OutboxRowRef = {
      jobId: row.job_id,
      tenantId: row.tenant_id,
      siteId: row.site_id,
      requestId: row.request_id,
      attempts: row.attempts,
      jobKind: kindOf(raw),
    };
    const job = AgentJob.safeParse(raw);
    if (!job.success) {
      const issue = job.error.issues[0];
      const problem = `its job does not parse: ${issue?.path.join(".") || "(job)"} ${issue?.message ?? ""}`;
      return { ...ref, kind: "unreadable", problem: problem.trim() };
    }
    return { ...ref, kind: "job", dispatch: { tenantId: row.tenant_id, siteId: row.site_id, job: job.data } };
  });
}

const kindOf = (raw: unknown): string | null =>
  typeof raw === "object" && raw !== null && "kind" in raw && typeof raw.kind === "string" ? raw.kind : null;

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};
