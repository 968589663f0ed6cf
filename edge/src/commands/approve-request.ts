import type { DomainError } from "@gantry/shared/domain/domain-error";
import { amountsOf } from "@gantry/shared/domain/quota";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { jobIdFor } from "../provisioning/ids.ts";
import {
  decideSaga,
  evolveSaga,
  type PlacementContext,
  type ProvisioningSagaState,
} from "../provisioning/provisioning-saga.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { getProject } from "../tenancy/projects.ts";
import { getSite } from "../tenancy/sites.ts";
import { getTenant } from "../tenancy/tenants.ts";
import { userCommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import type { JobDispatch } from "./job-dispatcher.ts";
import { outboxInsert } from "./job-outbox.ts";
import { loadVmRequest } from "./load-aggregates.ts";
import { relayJob } from "./outbox-relay.ts";
import { type CapacityNeed, capacityClaim, quotaRefusal } from "./quota-guard.ts";
import { decidableRequest } from "./request-access.ts";
import { appendToRequest } from "./request-append.ts";

export interface Decided {
  requestId: string;
  version: number;
}

async function placementFor(
  deps: DispatchDeps,
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

/** The jobs the saga dispatches for the approval's events: exactly one for a first approval. */
function sagaDispatches(
  events: readonly DomainEvent[],
  input: { saga: ProvisioningSagaState; placement: PlacementContext },
): Result<JobDispatch[], DomainError> {
  const dispatches: JobDispatch[] = [];
  let saga = input.saga;
  for (const event of events) {
    const commands = decideSaga({ event, state: saga, placement: input.placement });
    if (!commands.ok) return commands;
    for (const c of commands.value) if (c.type === "DispatchProvisioningJob") dispatches.push(c.data);
    saga = evolveSaga(saga, event);
  }
  return ok(dispatches);
}

/**
 * Approves a pending request at the version the approver saw and, in the same D1 batch, writes the one
 * provisioning job to the outbox. The approver is a person (an admin, a project approver) or the
 * approval policy (`policyPrincipal`, at submission): the same checks for both. A first of two approvals
 * a policy asks for is recorded with no job (`awaiting` 1). The job is written to the outbox; the job is then relayed in the background (and by the sweeper). The
 * job is built and checked against its schema first: one the hub would refuse is refused here, with
 * nothing committed. Two admins racing: one append wins, the other gets STALE_REQUEST_VERSION and
 * nothing is written; the winner repeating its approval is answered as done. The request's spec must fit
 * the project's and tenant's quotas: checked on read for a clear refusal, and made part of the batch by
 * the quota guard, so approvals racing for the last capacity never exceed it (the loser gets
 * QUOTA_EXCEEDED, a CONFLICT, with nothing written).
 */
export async function approveRequest(
  deps: DispatchDeps,
  input: {
    principal: Principal;
    requestId: string;
    expectedVersion: number;
    /** the projects the principal approves without being a tenant admin */
    approverOf?: readonly string[];
  },
): Promise<Result<Decided & { jobId: string; awaiting: number }, DomainError>> {
  const { principal, requestId, expectedVersion } = input;
  const stale = { code: "STALE_REQUEST_VERSION", requestId, expectedVersion } as const;
  const jobId = jobIdFor(requestId);
  // the same admin approving the same version always writes the same event id: a repeat after a lost
  // answer (D1 or the network) finds its own approval and is answered as done, never written twice
  const approvalId = `approval:${requestId}@${expectedVersion}:${principal.userId}`;
  const claim = capacityClaim(deps.db, "this request");
  const result = await handleCommand(deps.store, {
    load: () => loadVmRequest(deps.db, requestId),
    decide: async (loaded) => {
      const decidable = decidableRequest(principal, loaded, {
        requestId,
        approverOf: input.approverOf ?? [],
      });
      if (!decidable.ok) return done(decidable);
      const request = decidable.value;
      if (loaded.version !== expectedVersion) {
        if (loaded.eventIds.includes(`${approvalId}#0`))
          return done(ok({ requestId, version: expectedVersion + 1, jobId, awaiting: 0 }));
        return done(err({ ...stale, actualVersion: loaded.version }));
      }
      const decided = decideVmRequest(
        {
          type: "ApproveRequest",
          data: principal.rule
            ? { requestId, approverId: null, jobId, rule: principal.rule }
            : { requestId, approverId: principal.userId, jobId },
        },
        request,
      );
      if (!decided.ok) return done(decided);
      const placement = await placementFor(deps, {
        tenantId: principal.tenantId,
        projectId: request.projectId,
      });
      if (!placement.ok) return done(placement);
      const dispatches = sagaDispatches(decided.value, { saga: loaded.saga, placement: placement.value });
      if (!dispatches.ok) return done(dispatches);
      const capacity: CapacityNeed = {
        tenantId: principal.tenantId,
        projectId: request.projectId,
        needs: amountsOf(request.spec),
        // the request's own row never counts: if another approval of it won, the append's version check answers
        replacing: requestId,
      };
      const refusal = await quotaRefusal(deps.db, { ...capacity, what: "this request", field: null });
      if (refusal) return done(err(refusal));

      const ctx = { ...userCommandContext(deps, principal), eventId: (i: number) => `${approvalId}#${i}` };
      return appendToRequest(deps, {
        loaded,
        requestId,
        requesterId: request.requester.id,
        guards: [claim.guard(capacity)],
        events: decided.value,
        ctx,
        sideEffects: dispatches.value.map((dispatch) =>
          outboxInsert(deps.db, { dispatch, requestId, now: ctx.occurredAt }),
        ),
        answer: () => {
          for (const dispatch of dispatches.value) deps.defer(() => relayJob(deps, dispatch));
          const awaiting = decided.value.some((e) => e.type === "VmRequestApproved")
            ? 0
            : Math.max(1, request.approvalsRequired) - request.approvedBy.length - 1;
          return { requestId, version: expectedVersion + decided.value.length, jobId, awaiting };
        },
      });
    },
    onConflict: (conflict) => err({ ...stale, actualVersion: conflict.actualVersion }),
    onRefused: () => claim.refused(requestId),
  });
  // another approval took the capacity between the read and the batch: say what is left now
  return claim.answer(result);
}
