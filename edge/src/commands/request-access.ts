import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import { isAdmin, type Principal } from "../auth/principal.ts";
import type { ExistingVmRequest } from "../provisioning/vm-request.ts";
import type { LoadedVmRequest } from "./load-aggregates.ts";

/**
 * Whether the caller may see a request: same tenant, and either an admin or the requester. Everything
 * else is answered exactly like a missing request, so ids of other tenants cannot be probed.
 */
export function visibleRequest(principal: Principal, loaded: LoadedVmRequest): ExistingVmRequest | null {
  if (loaded.state.status === "NONE" || loaded.tenantId !== principal.tenantId) return null;
  if (!isAdmin(principal) && loaded.state.requester.id !== principal.userId) return null;
  return loaded.state;
}

/**
 * The request the caller may decide (approve or reject): a tenant admin decides every project's, a
 * project approver those of the projects they approve (`approverOf`); anyone else in the tenant is
 * FORBIDDEN, another tenant's request is missing. Their own request is left to the decider, which
 * refuses self-approval for everyone.
 */
export function decidableRequest(
  principal: Principal,
  loaded: LoadedVmRequest,
  scope: { requestId: string; approverOf: readonly string[] },
): Result<ExistingVmRequest, DomainError> {
  const { state } = loaded;
  const { requestId, approverOf } = scope;
  if (state.status === "NONE" || loaded.tenantId !== principal.tenantId)
    return err({ code: "REQUEST_NOT_FOUND", requestId });
  if (isAdmin(principal) || state.requester.id === principal.userId || approverOf.includes(state.projectId))
    return ok(state);
  return err({ code: "NOT_PROJECT_APPROVER", requestId, projectId: state.projectId });
}
