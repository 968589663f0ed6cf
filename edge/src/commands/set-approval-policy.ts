import type { ApprovalPolicy } from "@gantry/shared/domain/approval-policy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { approvalPolicyWrites, effectiveApprovalPolicy } from "../tenancy/approval-policies.ts";
import type { CommandDeps } from "./command-deps.ts";
import { type PolicyChangeError, recordPolicyChange } from "./record-policy-change.ts";

/**
 * An admin sets the tenant's default approval policy (projectId null) or a project's own, or clears a
 * project's (policy null: the default applies again), with `ApprovalPolicyChanged` (audited). It applies
 * to requests submitted from now on.
 */
export async function setApprovalPolicy(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string | null; policy: ApprovalPolicy | null },
): Promise<Result<ApprovalPolicy | null, PolicyChangeError>> {
  const { principal, projectId, policy } = input;
  const tenantId = principal.tenantId;
  const changed = await recordPolicyChange(deps, {
    principal,
    projectId,
    streamId: streamIds.approvalPolicy(tenantId, projectId),
    event: { type: "ApprovalPolicyChanged", data: { projectId, policy } },
    writes: (at) => approvalPolicyWrites(deps.db, { tenantId, projectId, policy, by: principal.userId, at }),
  });
  if (!changed.ok) return err(changed.error);
  return ok(projectId === null ? policy : await effectiveApprovalPolicy(deps.db, { tenantId, projectId }));
}
