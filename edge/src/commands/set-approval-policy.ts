import type { ApprovalPolicy } from "@gantry/shared/domain/approval-policy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { approvalPolicyWrites, effectiveApprovalPolicy } from "../tenancy/approval-policies.ts";
import { getProject } from "../tenancy/projects.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

export type ApprovalPolicyError = TenancyWriteError | { code: "PROJECT_NOT_FOUND"; projectId: string };

/**
 * An admin sets the tenant's default approval policy (projectId null) or a project's own, or clears a
 * project's (policy null: the default applies again). The row and `ApprovalPolicyChanged` (who, when,
 * what) commit in one batch. It applies to requests submitted from now on.
 */
export async function setApprovalPolicy(
  deps: CommandDeps,
  input: { principal: Principal; projectId: string | null; policy: ApprovalPolicy | null },
): Promise<Result<ApprovalPolicy | null, ApprovalPolicyError>> {
  const { principal, projectId, policy } = input;
  const tenantId = principal.tenantId;
  if (projectId !== null && !(await getProject(deps.db, { tenantId, projectId })))
    return err({ code: "PROJECT_NOT_FOUND", projectId });
  const writes = approvalPolicyWrites(deps.db, {
    tenantId,
    projectId,
    policy,
    by: principal.userId,
    at: deps.clock().toISOString(),
  });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.approvalPolicy(tenantId, projectId),
    event: { type: "ApprovalPolicyChanged", data: { projectId, policy } },
    actor: personActor(principal),
    sideEffects: writes,
  });
  if (!recorded.ok) return err(recorded.error);
  return ok(projectId === null ? policy : await effectiveApprovalPolicy(deps.db, { tenantId, projectId }));
}
