import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import {
  type EffectiveLeasePolicy,
  effectiveLeasePolicy,
  leasePolicyWrite,
} from "../tenancy/lease-policies.ts";
import type { CommandDeps } from "./command-deps.ts";
import { type PolicyChangeError, recordPolicyChange } from "./record-policy-change.ts";

export type LeasePolicyError = PolicyChangeError;

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
  const changed = await recordPolicyChange(deps, {
    principal,
    projectId,
    streamId: streamIds.leasePolicy(tenantId, projectId),
    event: { type: "LeasePolicyChanged", data: { projectId, policy } },
    writes: (at) => [leasePolicyWrite(deps.db, { tenantId, projectId, policy, by: principal.userId, at })],
  });
  if (!changed.ok) return err(changed.error);
  return ok(projectId === null ? null : await effectiveLeasePolicy(deps.db, { tenantId, projectId }));
}
