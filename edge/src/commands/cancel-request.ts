import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { err, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { visibleRequest } from "./request-access.ts";
import { appendToRequest } from "./request-append.ts";

/**
 * Withdraws the caller's own pending request. Idempotent: cancelling a cancelled request succeeds
 * without writing. A concurrent change is retried once against the fresh state.
 */
export async function cancelRequest(
  deps: CommandDeps,
  input: { principal: Principal; requestId: string; reason: string | null },
): Promise<Result<{ requestId: string; status: VmRequestStatus }, DomainError>> {
  const { principal, requestId, reason } = input;
  return handleCommand(deps.store, {
    load: () => loadVmRequest(deps.db, requestId),
    decide: (loaded) => {
      const request = visibleRequest(principal, loaded);
      if (!request) return done(err({ code: "REQUEST_NOT_FOUND", requestId }));
      const decided = decideVmRequest(
        { type: "CancelRequest", data: { requestId, cancellerId: principal.userId, reason } },
        request,
      );
      if (!decided.ok) return done(decided);
      // a repeat (already cancelled) appends nothing, and so announces nothing
      return appendToRequest(deps, {
        loaded,
        requestId,
        requesterId: request.requester.id,
        events: decided.value,
        ctx: userCommandContext(deps, principal),
        answer: () => ({ requestId, status: "CANCELLED" as const }),
      });
    },
  });
}
