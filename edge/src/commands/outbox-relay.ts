import type { SqlDatabase } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import type { JobDispatch, JobDispatcher } from "./job-dispatcher.ts";
import { markDispatched, markDispatchFailed, undispatchedJobs } from "./job-outbox.ts";

export interface RelayDeps {
  db: SqlDatabase;
  dispatcher: Pick<JobDispatcher, "dispatch">;
  clock: () => Date;
}

/** Rows younger than this are left to the relay that runs right after the approval. */
export const SWEEP_GRACE_MS = 30_000;
/** After this many failed dispatches a row needs an operator; the sweeper logs and skips it. */
export const MAX_DISPATCH_ATTEMPTS = 20;
const SWEEP_BATCH = 50;

/**
 * Delivers one job and marks its outbox row. Never throws: it runs in `waitUntil` after the approval,
 * and whatever fails here the sweeper retries.
 */
export async function relayJob(deps: RelayDeps, dispatch: JobDispatch): Promise<"dispatched" | "failed"> {
  const jobId = dispatch.job.jobId;
  try {
    await deps.dispatcher.dispatch(dispatch);
  } catch (error) {
    logEvent("warn", "job dispatch failed; the sweeper will retry", { jobId, error: String(error) });
    await markDispatchFailed(deps.db, { jobId, error: String(error) }).catch(() => undefined);
    return "failed";
  }
  // if this mark is lost the sweeper dispatches again, which the idempotent hub absorbs
  await markDispatched(deps.db, { jobId, now: deps.clock().toISOString() }).catch(() => undefined);
  return "dispatched";
}

/**
 * The scheduled safety net: re-dispatches outbox rows not confirmed within {@link SWEEP_GRACE_MS},
 * e.g. because the Worker died between the approval's append and its relay.
 */
export async function sweepOutbox(deps: RelayDeps): Promise<{ dispatched: number; failed: number }> {
  const now = deps.clock();
  const due = await undispatchedJobs(deps.db, {
    createdBefore: new Date(now.getTime() - SWEEP_GRACE_MS).toISOString(),
    maxAttempts: MAX_DISPATCH_ATTEMPTS,
    limit: SWEEP_BATCH,
  });
  let dispatched = 0;
  for (const row of due) {
    const outcome = await relayJob(deps, row);
    if (outcome === "dispatched") dispatched += 1;
    else if (row.attempts + 1 >= MAX_DISPATCH_ATTEMPTS) {
      logEvent("error", "job could not be dispatched; giving up", { jobId: row.job.jobId });
    }
  }
  return { dispatched, failed: due.length - dispatched };
}
