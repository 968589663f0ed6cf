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
