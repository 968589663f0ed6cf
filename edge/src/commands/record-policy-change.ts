import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { getProject } from "../tenancy/projects.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent, type TenancyWriteError } from "./record-tenancy-event.ts";

export type PolicyChangeError = TenancyWriteError | { code: "PROJECT_NOT_FOUND"; projectId: string };

/**
 * An admin changes a policy of the tenant's (projectId null) or of one of its projects (lease, approval):
 * another tenant's project answers like a missing one; the rows (`writes`) and the change's event (who,
 * when, what) commit in one batch.
 */
export async function recordPolicyChange(
  deps: CommandDeps,
  input: {
    principal: Principal;
    projectId: string | null;
    streamId: string;
    event: TenancyEvent;
    writes: (at: string) => readonly D1PreparedStatement[];
  },
): Promise<Result<void, PolicyChangeError>> {
  const { principal, projectId } = input;
  const tenantId = principal.tenantId;
  if (projectId !== null && !(await getProject(deps.db, { tenantId, projectId })))
    return err({ code: "PROJECT_NOT_FOUND", projectId });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: input.streamId,
    event: input.event,
    actor: personActor(principal),
    sideEffects: input.writes(deps.clock().toISOString()),
  });
  return recorded.ok ? ok(undefined) : err(recorded.error);
}
