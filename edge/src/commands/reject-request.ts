import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import type { Decided } from "./approve-request.ts";
import { userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { decidableRequest } from "./request-access.ts";
import { appendToRequest } from "./request-append.ts";

/** Rejects a pending request with a reason, at the version the admin saw. */
export async function rejectRequest(
  deps: CommandDeps,
  input: {
    principal: Principal;
    requestId: string;
    expectedVersion: number;
    reason: string;
    /** the projects the principal approves without being a tenant admin */
    approverOf?: readonly string[];
  },
): Promise<Result<Decided, DomainError>> {
  const { principal, requestId, expectedVersion, reason } = input;
  const stale = { code: "STALE_REQUEST_VERSION", requestId, expectedVersion } as const;
  return handleCommand(deps.store, {
    load: () => loadVmRequest(deps.db, requestId),
    decide: (loaded) => {
      const decidable = decidableRequest(principal, loaded, {
        requestId,
        approverOf: input.approverOf ?? [],
      });
      if (!decidable.ok) return done(decidable);
      const request = decidable.value;
      if (loaded.version !== expectedVersion) return done(err({ ...stale, actualVersion: loaded.version }));
      const decided = decideVmRequest(
        { type: "RejectRequest", data: { requestId, rejecterId: principal.userId, reason } },
        request,
      );
      if (!decided.ok) return done(decided);
      return appendToRequest(deps, {
        loaded,
        requestId,
        requesterId: request.requester.id,
        events: decided.value,
        ctx: userCommandContext(deps, principal),
        answer: () => ({ requestId, version: expectedVersion + decided.value.length }),
      });
    },
    onConflict: (conflict) => err({ ...stale, actualVersion: conflict.actualVersion }),
  });
}
