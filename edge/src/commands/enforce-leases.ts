import type { VmEvent } from "@gantry/shared/events/vm";
import { logEvent } from "../log.ts";
import { dueLeases, type LeaseDue } from "../projections/lease-queries.ts";
import { decideLeaseTick } from "../provisioning/vm-lease-decider.ts";
import type { CommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import type { JobDispatch } from "./job-dispatcher.ts";
import { actionDispatch, appendToVmWithJobs } from "./request-vm-action.ts";
import { loadManagedVm } from "./vm-access.ts";

const SWEEP_BATCH = 50;

/** What one sweep did, for the log and the tests. */
export interface LeaseSweep {
  /** VMs whose lease was due */
  due: number;
  /** VMs something was written for (a warning, an expiry, the end of grace) */
  acted: number;
  /** enforcement actions asked for (power-offs and deletions) */
  actions: number;
}

const schedulerContext = (input: {
  tenantId: string;
  vmId: string;
  version: number;
  now: string;
}): CommandContext => ({
  tenantId: input.tenantId,
  actor: { kind: "system", id: "lease-scheduler", name: "Lease scheduler" },
  correlationId: `lease:${input.vmId}`,
  causationId: null,
  occurredAt: input.now,
  // the same tick on the same version writes the same ids: a duplicate sweep cannot add a second copy
  eventId: (n) => `lease:${input.vmId}@${input.version}#${n}`,
});

/**
 * One VM's lease at `now`: decided on its stream as loaded (nothing when nothing is due or an action
 * runs), appended with each enforcement action's job in its outbox row in the same batch, relayed to the
 * site's hub after. The job goes to the hub whether or not an agent is connected: it waits there, with
 * the hub's wait reason, and runs when an agent that runs it comes back (until its deadline).
 */
async function tickLease(
  deps: DispatchDeps,
  due: LeaseDue,
  input: { now: string; actionBudgetSeconds: number },
) {
  return handleCommand(deps.store, {
    load: () => loadManagedVm(deps.db, due.vmId),
    decide: (loaded) => {
      const { vm } = loaded;
      if (!vm) return done({ ok: true as const, value: { events: [] as VmEvent[] } });
      const events = decideLeaseTick(input, vm);
      const dispatches: JobDispatch[] = events.flatMap((event) =>
        event.type === "VmActionRequested"
          ? [actionDispatch({ tenantId: due.tenantId, siteId: due.siteId, vm, requested: event.data })]
          : [],
      );
      const ctx = schedulerContext({
        tenantId: due.tenantId,
        vmId: vm.vmId,
        version: loaded.streams.vm.version,
        now: input.now,
      });
      return appendToVmWithJobs(deps, { loaded, vm, events, ctx, dispatches, answer: () => ({ events }) });
    },
  });
}

/**
 * The lease scheduler, run by the Worker's cron every minute: every VM whose lease has something due
 * (warnings, the expiry, the end of grace) is decided on and acted for. Idempotent: a repeated or
 * concurrent sweep decides on the stream as it is, so an expiry is recorded and its power-off asked
 * for once, a deletion once.
 */
export async function enforceLeases(
  deps: DispatchDeps,
  options: { actionBudgetSeconds: number },
): Promise<LeaseSweep> {
  const now = deps.clock().toISOString();
  const sweep: LeaseSweep = { due: 0, acted: 0, actions: 0 };
  for (const due of await dueLeases(deps.db, { now, limit: SWEEP_BATCH })) {
    sweep.due += 1;
    try {
      const ticked = await tickLease(deps, due, { now, actionBudgetSeconds: options.actionBudgetSeconds });
      if (!ticked.ok) {
        logEvent("warn", "lease not enforced", { vmId: due.vmId, error: ticked.error });
        continue;
      }
      const { events } = ticked.value;
      if (events.length > 0) sweep.acted += 1;
      sweep.actions += events.filter((e) => e.type === "VmActionRequested").length;
    } catch (error) {
      logEvent("warn", "lease not enforced", { vmId: due.vmId, error: String(error) });
    }
  }
  return sweep;
}
