import type { JobReport } from "@gantry/shared/protocol/job-report";
import type { Result } from "@gantry/shared/result";
import { logEvent } from "../log.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { type JobDispatch, JobDispatchError } from "./job-dispatcher.ts";
import {
  markDispatched,
  markDispatchFailed,
  markUndeliverable,
  type OutboxRowRef,
  undispatchedJobs,
} from "./job-outbox.ts";
import { type JobUpdateError, type JobUpdateRecorded, recordJobUpdate } from "./record-job-update.ts";
import { isUnownedVmJob, recordUnownedVmUpdate } from "./record-unowned-vm-update.ts";
import { recordVmActionUpdate } from "./record-vm-action-update.ts";

/** The relay writes to the outbox and, for a job that can never be sent, fails its request in the log. */
export type RelayDeps = DispatchDeps;

/** Rows younger than this are left to the relay that runs right after the approval. */
export const SWEEP_GRACE_MS = 30_000;
/** After this many failed dispatches a row is given up on: marked failed, its request failed. */
export const MAX_DISPATCH_ATTEMPTS = 20;
const SWEEP_BATCH = 50;

type RelayOutcome = "dispatched" | "failed" | "undeliverable";

/**
 * Delivers one job and marks its outbox row. Never throws: it runs in `waitUntil` after the approval,
 * and whatever fails here the sweeper retries; a refusal for good (the hub says the job is invalid)
 * marks the row failed and fails the request with a sentence, so nothing waits on it.
 */
export async function relayJob(deps: RelayDeps, dispatch: JobDispatch): Promise<RelayOutcome> {
  const jobId = dispatch.job.jobId;
  try {
    await deps.dispatcher.dispatch(dispatch);
  } catch (error) {
    const ref = {
      jobId,
      tenantId: dispatch.tenantId,
      siteId: dispatch.siteId,
      requestId: dispatch.job.requestId,
      jobKind: dispatch.job.kind,
    };
    if (error instanceof JobDispatchError && !error.retryable) {
      await giveUp(deps, ref, `the site's hub refused the job: ${error.message}`);
      return "undeliverable";
    }
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
 * e.g. because the Worker died between the approval's append and its relay. A row that cannot be sent
 * (its job no longer parses, the hub refuses it, or it failed {@link MAX_DISPATCH_ATTEMPTS} times) is
 * marked failed and leaves the window, so it never holds back the rows behind it.
 */
export async function sweepOutbox(
  deps: RelayDeps,
): Promise<{ dispatched: number; failed: number; undeliverable: number }> {
  const now = deps.clock();
  const due = await undispatchedJobs(deps.db, {
    createdBefore: new Date(now.getTime() - SWEEP_GRACE_MS).toISOString(),
    maxAttempts: MAX_DISPATCH_ATTEMPTS,
    limit: SWEEP_BATCH,
  });
  const counts = { dispatched: 0, failed: 0, undeliverable: 0 };
  for (const row of due) {
    if (row.kind === "unreadable") {
      await giveUp(deps, row, row.problem);
      counts.undeliverable += 1;
      continue;
    }
    let outcome = await relayJob(deps, row.dispatch);
    if (outcome === "failed" && row.attempts + 1 >= MAX_DISPATCH_ATTEMPTS) {
      await giveUp(deps, row, `dispatch failed ${MAX_DISPATCH_ATTEMPTS} times`);
      outcome = "undeliverable";
    }
    counts[outcome] += 1;
  }
  return counts;
}

/**
 * A job that will never reach an agent: the row is marked failed (the reason stays on it) and the
 * request (or, for a VM action's job, the action) fails with a sentence its owner can read and the
 * detail its admins can, instead of waiting forever. Never throws; a failed write is retried by the
 * next sweep.
 */
async function giveUp(deps: RelayDeps, row: Omit<OutboxRowRef, "attempts">, reason: string): Promise<void> {
  const now = deps.clock().toISOString();
  logEvent("error", "job can never be dispatched; its request or action fails", { jobId: row.jobId, reason });
  const technicalDetail = `outbox row ${row.jobId} (site ${row.siteId}) marked failed: ${reason}`.slice(
    0,
    4000,
  );
  const base = {
    tenantId: row.tenantId,
    requestId: row.requestId,
    jobId: row.jobId,
    agentId: "outbox",
    epoch: 0,
    // one outcome per job, however often this runs
    eventId: `undeliverable:${row.jobId}`,
    receivedAt: now,
  } satisfies Omit<JobReport, "update">;
  try {
    const actionFailed = {
      kind: "action-failed",
      at: now,
      failure: { code: "UNDELIVERABLE", userMessage: "", technicalDetail, retriable: true, attempts: 1 },
    } as const;
    const recorded: Result<JobUpdateRecorded, JobUpdateError> = isUnownedVmJob(row.jobKind)
      ? await recordUnownedVmUpdate(deps, { ...base, update: actionFailed })
      : row.jobKind?.startsWith("vm.")
        ? await recordVmActionUpdate(deps, { ...base, update: actionFailed })
        : await recordJobUpdate(deps, {
            ...base,
            update: {
              kind: "failed",
              at: now,
              failure: {
                code: "UNDELIVERABLE",
                userMessage:
                  "This request could not be handed to the site's agents. Your admin has been told.",
                technicalDetail,
                retriable: false,
                attempts: 1,
                cleanupFailed: false,
              },
            },
          });
    // a retryable failure leaves the row in the window: the next sweep tries again
    if (!recorded.ok && recorded.error.retryable) return;
    await markUndeliverable(deps.db, { jobId: row.jobId, reason, now });
  } catch (error) {
    logEvent("warn", "undeliverable job not recorded yet", { jobId: row.jobId, error: String(error) });
  }
}
