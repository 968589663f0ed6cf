import type { StopProvisioningResult } from "@gantry/shared/api/approvals";
import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import { isAdmin, type Principal } from "../auth/principal.ts";
import type { ExistingVmRequest } from "../provisioning/vm-request.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { getProject } from "../tenancy/projects.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, type Decision, done, handleCommand } from "./handle-command.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { visibleRequest } from "./request-access.ts";

/** The site hub's side of a stop (AgentHub.stopJob): cancels the job, or records that it never ran. */
export type StopJob = (input: {
  jobId: string;
  tenantId: string;
  siteId: string;
  requestId: string;
}) => Promise<StopProvisioningResult["stop"]>;

/**
 * An admin stops an approved or provisioning request: the stop is recorded on the request (who, why),
 * then its site's hub cancels the job. Idempotent, so pressing it again after a crash between the two
 * steps finishes the job. The outcome (FAILED with code CANCELLED) arrives like any other.
 */
export async function stopProvisioning(
  deps: CommandDeps,
  stopJob: StopJob,
  input: { principal: Principal; requestId: string; reason: string },
): Promise<Result<StopProvisioningResult, DomainError>> {
  const { principal, requestId, reason } = input;
  // the request folds its VM's outcome, read with it. An outcome that lands between this read and the
  // stop's append is on the VM's stream and does not refuse the append: that stop is one that came just
  // before the outcome, and the hub, finding the job finished, stops nothing
  const stopped = await handleCommand(deps.store, {
    load: () => loadVmRequest(deps.db, requestId),
    decide: (loaded): Decision<ExistingVmRequest> => {
      // admin-only at the router; checked here too, and answered like a missing request
      const request = isAdmin(principal) ? visibleRequest(principal, loaded) : null;
      if (!request) return done(err({ code: "REQUEST_NOT_FOUND", requestId }));
      const decided = decideVmRequest({ type: "StopProvisioning", data: { requestId, reason } }, request);
      if (!decided.ok) return done(decided);
      const events = toNewEvents(decided.value, userCommandContext(deps, principal));
      // asking twice appends nothing and goes straight on to the hub, which may not have heard yet
      return appendTo(loaded, events, { answer: () => request });
    },
  });
  if (!stopped.ok) return stopped;
  const request = stopped.value;
  const project = await getProject(deps.db, { tenantId: principal.tenantId, projectId: request.projectId });
  if (!project || !request.jobId) return err({ code: "REQUEST_NOT_FOUND", requestId });
  const stop = await stopJob({
    jobId: request.jobId,
    tenantId: principal.tenantId,
    siteId: project.siteId,
    requestId,
  });
  return ok({ requestId, stop });
}
