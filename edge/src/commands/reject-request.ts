import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { announceCommitted } from "../tenant-feed/change-feed.ts";
import type { Decided } from "./approve-request.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { WorkflowDeps } from "./command-deps.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { visibleRequest } from "./request-access.ts";

/** Rejects a pending request with a reason, at the version the admin saw. */
export async function rejectRequest(
  deps: WorkflowDeps,
  input: { principal: Principal; requestId: string; expectedVersion: number; reason: string },
): Promise<Result<Decided, DomainError>> {
  const { principal, requestId, expectedVersion, reason } = input;
  const loaded = await loadVmRequest(deps.db, requestId);
  const request = visibleRequest(principal, loaded);
  if (!request) return err({ code: "REQUEST_NOT_FOUND", requestId });
  const stale = { code: "STALE_REQUEST_VERSION", requestId, expectedVersion } as const;
  if (loaded.version !== expectedVersion) return err({ ...stale, actualVersion: loaded.version });

  const decided = decideVmRequest(
    { type: "RejectRequest", data: { requestId, rejecterId: principal.userId, reason } },
    request,
  );
  if (!decided.ok) return decided;
  const events = toNewEvents(decided.value, userCommandContext(deps, principal));
  const append = { streamId: loaded.streamId, expectedVersion, events };
  const appended = await deps.store.commit({ appends: [append] });
  if (!appended.ok) return err({ ...stale, actualVersion: appended.error.actualVersion });
  announceCommitted(deps, {
    tenantId: principal.tenantId,
    requestId,
    requesterId: request.requester.id,
    append,
  });
  return ok({ requestId, version: expectedVersion + events.length });
}
