import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import {
  type EffectiveLeasePolicy,
  effectiveLeasePolicy,
  leasePolicyWrite,
} from "../tenancy/lease-policies.ts";
import { getProject } from "../tenancy/projects.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

export type LeasePolicyError = TenancyWriteError | { code: "PROJECT_NOT_FOUND"; projectId: string };

/**
 * An admin sets the tenant's default lease policy (projectId null) or a project's own, or clears a
 * project's (policy null: the default applies again). The row and `LeasePolicyChanged` (who, when, what)
 * commit in one batch. The policy applies to VMs that become READY from now on; each VM keeps the terms
 * its lease started with.
 */
export async function setLeasePolicy(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string | null; policy: LeasePolicy | null },
): Promise<Result<EffectiveLeasePolicy | null, LeasePolicyError>> {
  const { principal, projectId, policy } = input;
  const tenantId = principal.tenantId;
  if (projectId !== null && !(await getProject(deps.db, { tenantId, projectId })))
    return err({ code: "PROJECT_NOT_FOUND", projectId });
  const write = leasePolicyWrite(deps.db, {
    tenantId,
    projectId,
    policy,
    by: principal.userId,
    at: deps.clock().toISOString(),
  });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.leasePolicy(tenantId, projectId),
    event: { type: "LeasePolicyChanged", data: { projectId, policy } },
    actor: personActor(principal),
    sideEffects: [write],
  });
  if (!recorded.ok) return err(recorded.error);
  return ok(projectId === null ? null : await effectiveLeasePolicy(deps.db, { tenantId, projectId }));
}
