import { ok } from "@gantry/shared/result";
import { logEvent } from "../log.ts";
import { pendingPastDeadline } from "../projections/request-approvals.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import type { CommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { appendToRequest } from "./request-append.ts";

const SWEEP_BATCH = 50;

/**
 * The approval policy's deadline, run by the Worker's cron every minute: a request still pending past its
 * rule's deadline is rejected with the rule's reason, actor "policy" (the requester is told by the
 * notifier, like any rejection). Idempotent: each request is decided on its stream as loaded and the
 * rejection's event id is fixed by its version, so a repeated or concurrent sweep writes it once.
 */
export async function rejectPastDeadline(deps: CommandDeps): Promise<{ due: number; rejected: number }> {
  const now = deps.clock().toISOString();
  const sweep = { due: 0, rejected: 0 };
  for (const due of await pendingPastDeadline(deps.db, { now, limit: SWEEP_BATCH })) {
    sweep.due += 1;
    try {
      const rejected = await handleCommand(deps.store, {
        load: () => loadVmRequest(deps.db, due.requestId),
        decide: (loaded) => {
          const { state } = loaded;
          if (state.status !== "PENDING" || loaded.tenantId !== due.tenantId) return done(ok(false));
          const decided = decideVmRequest(
            {
              type: "RejectRequest",
              data: { requestId: due.requestId, rejecterId: "policy", reason: due.reason },
            },
            state,
          );
          if (!decided.ok) return done(decided);
          const ctx: CommandContext = {
            tenantId: due.tenantId,
            actor: { kind: "policy", id: "policy:pending-deadline", name: "Approval policy" },
            correlationId: `deadline:${due.requestId}`,
            causationId: null,
            occurredAt: now,
            eventId: (n) => `deadline:${due.requestId}@${loaded.version}#${n}`,
          };
          return appendToRequest(deps, {
            loaded,
            requestId: due.requestId,
            requesterId: state.requester.id,
            events: decided.value,
            ctx,
            answer: () => true,
          });
        },
      });
      if (rejected.ok && rejected.value) sweep.rejected += 1;
      else if (!rejected.ok)
        logEvent("warn", "pending deadline not enforced", {
          requestId: due.requestId,
          error: rejected.error,
        });
    } catch (error) {
      logEvent("warn", "pending deadline not enforced", { requestId: due.requestId, error: String(error) });
    }
  }
  return sweep;
}
