import type { CommitGuard } from "../event-store/append-to-stream.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The D1 `job_leases` and `job_lease_guard` tables (migration 0008): the lease epoch as a condition of
// every recorded job update. Only this module has SQL on them.

/** The name the guard's trigger aborts with ('gantry:stale_lease'). */
export const STALE_LEASE_GUARD = "stale_lease";

/**
 * Raises the job's fence to `epoch` before its new holder hears of the grant: from then on no write
 * under an older epoch lands. Only ever raised (a late, lower write changes nothing). A first grant
 * needs none: there is no earlier holder to fence out.
 */
export async function raiseLeaseFence(
  db: SqlDatabase,
  input: { jobId: string; epoch: number },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO job_leases (job_id, epoch) VALUES (?1, ?2)
       ON CONFLICT (job_id) DO UPDATE SET epoch = excluded.epoch WHERE excluded.epoch > job_leases.epoch`,
    )
    .bind(input.jobId, input.epoch)
    .run();
}

/**
 * The guard of a job update's batch: aborts the batch (nothing written) when the job's fence is above
 * the writer's epoch; inserts and writes nothing otherwise.
 */
export const leaseGuard = (db: SqlDatabase, input: { jobId: string; epoch: number }): CommitGuard => ({
  name: STALE_LEASE_GUARD,
  statement: db
    .prepare(
      `INSERT INTO job_lease_guard (job_id, epoch)
       SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM job_leases WHERE job_id = ?1 AND epoch > ?2)`,
    )
    .bind(input.jobId, input.epoch),
});
