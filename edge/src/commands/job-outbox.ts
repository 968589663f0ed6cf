import { AgentJob } from "@gantry/shared/protocol/agent";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import type { JobDispatch } from "./job-dispatcher.ts";

// the job_outbox table (migration 0003): rows are written with the approval (or a VM action), relayed,
// then marked

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

export interface PendingDispatch extends JobDispatch {
  attempts: number;
}

/** Undispatched rows created before `createdBefore`, oldest first. */
export async function undispatchedJobs(
  db: SqlDatabase,
  query: { createdBefore: string; maxAttempts: number; limit: number },
): Promise<PendingDispatch[]> {
  const { results } = await db
    .prepare(
      `SELECT tenant_id, site_id, job, attempts FROM job_outbox
       WHERE dispatched_at IS NULL AND created_at < ? AND attempts < ?
       ORDER BY created_at LIMIT ?`,
    )
    .bind(query.createdBefore, query.maxAttempts, query.limit)
    .all<{ tenant_id: string; site_id: string; job: string; attempts: number }>();
  return results.flatMap((row) => {
    const job = AgentJob.safeParse(JSON.parse(row.job));
    if (!job.success) {
      logEvent("error", "outbox row does not parse as a job", { error: job.error.message });
      return [];
    }
    return [{ tenantId: row.tenant_id, siteId: row.site_id, job: job.data, attempts: row.attempts }];
  });
}
