import { logEvent } from "../log.ts";
import { overdueActions } from "../projections/vm-action-queries.ts";
import { decideActionExpired } from "../provisioning/vm-report-decider.ts";
import type { CommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { loadManagedVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

/** The site hub's side: stop the job (its agent is told to stop; a job no agent took ends there). */
export type StopActionJob = (input: {
  jobId: string;
  tenantId: string;
  siteId: string;
  requestId: string;
}) => Promise<unknown>;

const SWEEP_BATCH = 50;

const sweepContext = (input: { tenantId: string; actionId: string; now: string }): CommandContext => ({
  tenantId: input.tenantId,
  actor: { kind: "system", id: "deadline-sweep" },
  correlationId: input.actionId,
  causationId: null,
  occurredAt: input.now,
  // one expiry per action, however often the sweep runs
  eventId: (n) => `expired:${input.actionId}#${n}`,
});

/**
 * The scheduled safety net of every VM action: one still running after its deadline (no agent took it,
 * or its agent went silent) is recorded as TIMED_OUT, and its job is stopped at the site's hub so a late
 * agent does not carry it out after all. Idempotent; returns how many actions it ended.
 */
export async function expireVmActions(deps: CommandDeps, stopJob: StopActionJob): Promise<number> {
  const now = deps.clock().toISOString();
  let expired = 0;
  for (const overdue of await overdueActions(deps.db, { now, limit: SWEEP_BATCH })) {
    const { vmId, actionId, tenantId } = overdue;
    const ended = await handleCommand(deps.store, {
      load: () => loadManagedVm(deps.db, vmId),
      decide: (loaded) => {
        const { vm } = loaded;
        if (!vm) return done({ ok: true as const, value: false });
        const decided = decideActionExpired({ actionId, now }, vm);
        if (!decided.ok) return done(decided);
        const events = decided.value;
        const ctx = sweepContext({ tenantId, actionId, now });
        return appendToVm(deps, {
          loaded,
          vmId,
          ownerId: vm.ownerId,
          events,
          ctx,
          answer: () => events.length > 0,
        });
      },
    });
    if (!ended.ok) {
      logEvent("warn", "overdue VM action not expired", { vmId, actionId, error: ended.error });
      continue;
    }
    if (ended.value) expired += 1;
    try {
      await stopJob({ jobId: overdue.jobId, tenantId, siteId: overdue.siteId, requestId: vmId });
    } catch (error) {
      logEvent("warn", "overdue VM action's job not stopped", { vmId, actionId, error: String(error) });
    }
  }
  return expired;
}
