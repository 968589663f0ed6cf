import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import { isAdmin, type Principal } from "../auth/principal.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import { decideClearLeftover } from "../provisioning/vm-decider.ts";
import { getProject } from "../tenancy/projects.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, type Decision, done, handleCommand } from "./handle-command.ts";
import { loadVm, loadVmRequest } from "./load-aggregates.ts";
import { visibleRequest } from "./request-access.ts";

/**
 * An admin records that the half-built VM a failed cleanup left in vCenter has been removed by hand.
 * Idempotent; a concurrent write to the VM's stream is retried once against the fresh state.
 */
export async function clearLeftover(
  deps: CommandDeps,
  input: { principal: Principal; requestId: string; note: string | null },
): Promise<Result<{ requestId: string; cleared: boolean }, DomainError>> {
  const { principal, requestId, note } = input;
  // admin-only at the router; checked here too, and answered like a missing request
  const request = isAdmin(principal)
    ? visibleRequest(principal, await loadVmRequest(deps.db, requestId))
    : null;
  if (!request) return err({ code: "REQUEST_NOT_FOUND", requestId });
  const vmId = vmIdFor(requestId);
  const cleared = await handleCommand(deps.store, {
    load: () => loadVm(deps.db, vmId),
    decide: (vm): Decision<boolean> => {
      const decided = decideClearLeftover(
        { type: "ClearLeftover", data: { vmId, requestId, note } },
        vm.state,
      );
      if (!decided.ok) return done(decided);
      const events = toNewEvents(decided.value, userCommandContext(deps, principal));
      // already cleared: nothing appended, nothing announced
      return appendTo(vm, events, { answer: () => events.length > 0 });
    },
  });
  if (!cleared.ok) return cleared;
  if (cleared.value) {
    // other admins' "needs attention" lists drop it too: their pages refresh on the site's change
    const project = await getProject(deps.db, { tenantId: principal.tenantId, projectId: request.projectId });
    if (project) {
      const site = { siteId: project.siteId, at: deps.clock().toISOString() };
      deps.defer(() => deps.feed.publishSite(principal.tenantId, site));
    }
  }
  return ok({ requestId, cleared: cleared.value });
}
