import type { TenantQuotas } from "@gantry/shared/api/quotas";
import type { QuotaLimits } from "@gantry/shared/domain/quota";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { tenantQuotaUsage } from "../projections/quota-queries.ts";
import { getProject } from "../tenancy/projects.ts";
import { quotaWrite } from "../tenancy/quotas.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

export type QuotaError = TenancyWriteError | { code: "PROJECT_NOT_FOUND"; projectId: string };

/**
 * An admin sets the tenant's own quota (projectId null) or a project's. The row and `QuotaChanged`
 * (who, when, what) commit in one batch. A lower limit never takes back what is held: it refuses new
 * approvals until usage falls below it.
 */
export async function setQuota(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string | null; limits: QuotaLimits },
): Promise<Result<TenantQuotas, QuotaError>> {
  const { principal, projectId, limits } = input;
  const tenantId = principal.tenantId;
  if (projectId !== null && !(await getProject(deps.db, { tenantId, projectId })))
    return err({ code: "PROJECT_NOT_FOUND", projectId });
  const write = quotaWrite(deps.db, {
    tenantId,
    projectId,
    limits,
    by: principal.userId,
    at: deps.clock().toISOString(),
  });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.quota(tenantId, projectId),
    event: { type: "QuotaChanged", data: { projectId, limits } },
    actor: personActor(principal),
    sideEffects: [write],
  });
  if (!recorded.ok) return err(recorded.error);
  return ok(await tenantQuotaUsage(deps.db, tenantId));
}
