import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { announceCommitted } from "../tenant-feed/change-feed.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { WorkflowDeps } from "./command-deps.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { visibleRequest } from "./request-access.ts";

/**
 * Withdraws the caller's own pending request. Idempotent: cancelling a cancelled request succeeds
 * without writing. A concurrent change is retried once against the fresh state.
 */
export async function cancelRequest(
  deps: WorkflowDeps,
  input: { principal: Principal; requestId: string; reason: string | null },
): Promise<Result<{ requestId: string; status: VmRequestStatus }, DomainError>> {
  const { principal, requestId, reason } = input;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadVmRequest(deps.db, requestId);
    const request = visibleRequest(principal, loaded);
    if (!request) return err({ code: "REQUEST_NOT_FOUND", requestId });
    const decided = decideVmRequest(
      { type: "CancelRequest", data: { requestId, cancellerId: principal.userId, reason } },
      request,
    );
    if (!decided.ok) return decided;
    const events = toNewEvents(decided.value, userCommandContext(deps, principal));
    const append = { streamId: loaded.streamId, expectedVersion: loaded.version, events };
    const appended = await deps.store.commit({ appends: [append] });
    if (appended.ok) {
      announceCommitted(deps, {
        tenantId: principal.tenantId,
        requestId,
        requesterId: request.requester.id,
        append,
      });
      return ok({ requestId, status: "CANCELLED" });
    }
    if (attempt >= 2) return err({ code: "CONCURRENT_MODIFICATION", streamId: loaded.streamId });
  }
}
