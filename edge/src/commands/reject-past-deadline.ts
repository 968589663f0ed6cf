import type { VmEvent } from "@gantry/shared/events/vm";
import { ok } from "@gantry/shared/result";
import { logEvent } from "../log.ts";
import { type PendingPastDeadline, pendingPastDeadline } from "../projections/request-approvals.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import type { CommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { appendToRequest } from "./request-append.ts";
import { loadManagedVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

const SWEEP_BATCH = 50;

/**
 * The approval policy's deadline, run by the Worker's cron every minute: a request (or a resize up, or a
 * lease extension past the lease policy) still pending past its rule's deadline is rejected with the
 * rule's reason, actor "policy" (the requester or the VM's owner is told by the notifier, like any
 * rejection). Idempotent: each request is decided on its stream as loaded and the
 * rejection's event id is fixed by its version, so a repeated or concurrent sweep writes it once.
 */
export async function rejectPastDeadline(deps: CommandDeps): Promise<{ due: number; rejected: number }> {
  const now = deps.clock().toISOString();
  const sweep = { due: 0, rejected: 0 };
  for (const due of await pendingPastDeadline(deps.db, { now, limit: SWEEP_BATCH })) {
    sweep.due += 1;
    try {
      const rejected = due.vm
        ? await rejectVmApproval(deps, { ...due, vm: due.vm, now })
        : await rejectRequest(deps, { ...due, now });
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

/** A new VM's request still pending past its rule's deadline, rejected on the request's stream. */
function rejectRequest(deps: CommandDeps, due: PendingPastDeadline & { now: string }) {
  return handleCommand(deps.store, {
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
      const ctx = deadlineContext(due, {
        now: due.now,
        eventId: (n) => `deadline:${due.requestId}@${loaded.version}#${n}`,
      });
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
}

/** A resize up or an extension still waiting past its rule's deadline, rejected on the VM's stream. */
function rejectVmApproval(
  deps: CommandDeps,
  due: PendingPastDeadline & { vm: { vmId: string; subject: "resize" | "lease-extension" }; now: string },
) {
  const { vmId, subject } = due.vm;
  const approvalId = due.requestId;
  return handleCommand(deps.store, {
    load: () => loadManagedVm(deps.db, vmId),
    decide: (loaded) => {
      const { vm } = loaded;
      const pending = subject === "resize" ? vm?.pendingResize : vm?.lease?.pending;
      if (!vm || loaded.tenantId !== due.tenantId || pending?.approvalId !== approvalId)
        return done(ok(false));
      const data = { vmId, approvalId, reason: due.reason, withdrawn: false };
      const events: VmEvent[] = [
        subject === "resize"
          ? { type: "VmResizeRejected", data }
          : { type: "VmLeaseExtensionRejected", data },
      ];
      const version = loaded.streams.vm.version;
      return appendToVm(deps, {
        loaded,
        vmId,
        ownerId: vm.ownerId,
        events,
        ctx: deadlineContext(due, { now: due.now, eventId: (n) => `deadline:${approvalId}@${version}#${n}` }),
        answer: () => true,
      });
    },
  });
}

/** The sweep acts as the approval policy, its deadline the cause. */
function deadlineContext(
  due: { tenantId: string; requestId: string },
  input: { now: string; eventId: (n: number) => string },
): CommandContext {
  return {
    tenantId: due.tenantId,
    actor: { kind: "policy", id: "policy:pending-deadline", name: "Approval policy" },
    correlationId: `deadline:${due.requestId}`,
    causationId: null,
    occurredAt: input.now,
    eventId: input.eventId,
  };
}
