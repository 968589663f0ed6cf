import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { jobIdFor } from "../provisioning/build-job.ts";
import { decideSaga, evolveSaga, type PlacementContext } from "../provisioning/provisioning-saga.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { getProject, getSite, getTenant } from "../tenancy/reference-data.ts";
import { announceCommitted } from "../tenant-feed/change-feed.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { WorkflowDeps } from "./command-deps.ts";
import type { JobDispatch } from "./job-dispatcher.ts";
import { outboxInsert } from "./job-outbox.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { relayJob } from "./outbox-relay.ts";
import { visibleRequest } from "./request-access.ts";

export interface Decided {
  requestId: string;
  version: number;
}

async function placementFor(
  deps: WorkflowDeps,
  scope: { tenantId: string; projectId: string },
): Promise<Result<PlacementContext, DomainError>> {
  const [tenant, project] = await Promise.all([
    getTenant(deps.db, scope.tenantId),
    getProject(deps.db, scope),
  ]);
  if (!tenant || !project) return err({ code: "PROJECT_NOT_FOUND", projectId: scope.projectId });
  const site = await getSite(deps.db, { tenantId: scope.tenantId, siteId: project.siteId });
  if (!site) return err({ code: "SITE_NOT_CONFIGURED", siteId: project.siteId });
  return ok({ tenantId: tenant.id, tenant, project, site });
}

/**
 * Approves a pending request at the version the admin saw and, in the same D1 batch, writes the one
 * provisioning job to the outbox; the job is then relayed in the background (and by the sweeper).
 * Two admins racing: one append wins, the other gets STALE_REQUEST_VERSION and nothing is written.
 */
export async function approveRequest(
  deps: WorkflowDeps,
  input: { principal: Principal; requestId: string; expectedVersion: number },
): Promise<Result<Decided & { jobId: string }, DomainError>> {
  const { principal, requestId, expectedVersion } = input;
  const loaded = await loadVmRequest(deps.db, requestId);
  const request = visibleRequest(principal, loaded);
  if (!request) return err({ code: "REQUEST_NOT_FOUND", requestId });
  const stale = { code: "STALE_REQUEST_VERSION", requestId, expectedVersion } as const;
  if (loaded.version !== expectedVersion) return err({ ...stale, actualVersion: loaded.version });

  const jobId = jobIdFor(requestId);
  const decided = decideVmRequest(
    { type: "ApproveRequest", data: { requestId, approverId: principal.userId, jobId } },
    request,
  );
  if (!decided.ok) return decided;

  const placement = await placementFor(deps, { tenantId: principal.tenantId, projectId: request.projectId });
  if (!placement.ok) return placement;
  const dispatches: JobDispatch[] = [];
  let saga = loaded.saga;
  for (const event of decided.value) {
    const commands = decideSaga({ event, state: saga, placement: placement.value });
    if (!commands.ok) return commands;
    for (const c of commands.value) if (c.type === "DispatchProvisioningJob") dispatches.push(c.data);
    saga = evolveSaga(saga, event);
  }

  const ctx = userCommandContext(deps, principal);
  const append = { streamId: loaded.streamId, expectedVersion, events: toNewEvents(decided.value, ctx) };
  const appended = await deps.store.commit({
    appends: [append],
    sideEffects: dispatches.map((dispatch) =>
      outboxInsert(deps.db, { dispatch, requestId, now: ctx.occurredAt }),
    ),
  });
  if (!appended.ok) return err({ ...stale, actualVersion: appended.error.actualVersion });
  for (const dispatch of dispatches) deps.defer(() => relayJob(deps, dispatch));
  announceCommitted(deps, {
    tenantId: principal.tenantId,
    requestId,
    requesterId: request.requester.id,
    append,
  });
  return ok({ requestId, version: expectedVersion + decided.value.length, jobId });
}
