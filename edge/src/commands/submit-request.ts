import type { DomainError } from "@gantry/shared/domain/domain-error";
import { amountsOf } from "@gantry/shared/domain/quota";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import { err, ok, type Result } from "@gantry/shared/result";
import { type Principal, policyPrincipal } from "../auth/principal.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { liveRequestNamed } from "../projections/vm-names.ts";
import { evolveVmRequest } from "../provisioning/vm-request.ts";
import { decideVmRequest } from "../provisioning/vm-request-decider.ts";
import { getProject } from "../tenancy/projects.ts";
import { offeredSpec } from "../tenancy/vm-sizes.ts";
import { applyVerdictCommand, approvalVerdictFor } from "./approval-verdict.ts";
import { approveRequest } from "./approve-request.ts";
import { userCommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { type LoadedVmRequest, loadVmRequest } from "./load-aggregates.ts";
import { quotaRefusal } from "./quota-guard.ts";
import { appendToRequest } from "./request-append.ts";

export interface Submission {
  idempotencyKey: string;
  projectId: string;
  name: string;
  size: VmSize;
  justification: string;
  networkPath?: string | undefined;
}

export interface Submitted {
  requestId: string;
  version: number;
  /** false when the idempotency key had already created this request */
  created: boolean;
}

/** The policy's automatic approval, when its rule said so: the same approval use case a person's uses. */
async function approveByPolicy(
  deps: DispatchDeps,
  input: { tenantId: string; requestId: string; version: number; ruleId: string; explanation: string },
): Promise<number> {
  const { tenantId, requestId, ruleId, explanation } = input;
  const approved = await approveRequest(deps, {
    principal: policyPrincipal(tenantId, { ruleId, explanation }),
    requestId,
    expectedVersion: input.version,
  });
  // refused (the project's site not ready, a quota): the request stays pending for a person
  return approved.ok ? approved.value.version : input.version;
}

/**
 * The request id is derived from (tenant, requester, idempotency key): a retried submit lands on the
 * same stream, and UNIQUE(stream_id, version) makes it the idempotency record, with no extra table.
 */
export async function requestIdFor(input: {
  tenantId: string;
  userId: string;
  idempotencyKey: string;
}): Promise<string> {
  const text = `${input.tenantId}\u0000${input.userId}\u0000${input.idempotencyKey}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `req_${hex}`;
}

// the same key must mean the same request; anything else is a client bug we refuse loudly
function replayOf(loaded: LoadedVmRequest, submission: Submission): Result<Submitted, DomainError> {
  const { state } = loaded;
  // only reached for a stream that exists; kept total so a surprise is an error value, not a crash
  if (state.status === "NONE") return err({ code: "CONCURRENT_MODIFICATION", streamId: loaded.streamId });
  const same =
    state.projectId === submission.projectId &&
    state.name === submission.name &&
    state.size === submission.size &&
    state.justification === submission.justification &&
    state.networkPath === (submission.networkPath ?? null);
  if (!same) return err({ code: "IDEMPOTENCY_KEY_REUSED", requestId: state.requestId });
  return ok({ requestId: state.requestId, version: loaded.version, created: false });
}

/**
 * Submits a VM request as PENDING; retrying with the same key returns the same request. A concurrent
 * submit with the same key that wins the race is answered like any replay (the retry finds it). A name
 * another live request of the project holds is refused (VM_NAME_TAKEN), also when two submits of it
 * race: the name's row commits with the events, so the second batch fails and finds the name taken.
 * The project's approval policy is evaluated on the snapshotted spec: a matched rule is recorded with the
 * submission, and a rule that approves automatically approves right after, before the answer.
 */
export async function submitRequest(
  deps: DispatchDeps,
  input: { principal: Principal; submission: Submission },
): Promise<Result<Submitted, DomainError>> {
  const { principal, submission } = input;
  const project = await getProject(deps.db, {
    tenantId: principal.tenantId,
    projectId: submission.projectId,
  });
  if (!project) return err({ code: "PROJECT_NOT_FOUND", projectId: submission.projectId });
  if (project.archivedAt !== null) return err({ code: "PROJECT_ARCHIVED", projectId: project.id });
  // the size resolves through the tenant's catalogue now; the request keeps that spec whatever comes later
  const spec = await offeredSpec(deps.db, { tenantId: principal.tenantId, code: submission.size });

  const requestId = await requestIdFor({ ...principal, idempotencyKey: submission.idempotencyKey });
  const name = { tenantId: principal.tenantId, projectId: submission.projectId, name: submission.name };
  const nameTaken = async (): Promise<DomainError | null> => {
    const holder = await liveRequestNamed(deps.db, name);
    return holder !== null && holder !== requestId
      ? { code: "VM_NAME_TAKEN", projectId: submission.projectId, name: submission.name }
      : null;
  };
  // a size the catalogue does not offer is refused below, inside the command (a replay still answers)
  const verdict = spec
    ? await approvalVerdictFor(deps, {
        tenantId: principal.tenantId,
        projectId: project.id,
        case: { subject: "new-vm", spec, size: submission.size },
      })
    : null;
  try {
    const submitted = await handleCommand<LoadedVmRequest, Submitted>(deps.store, {
      load: () => loadVmRequest(deps.db, requestId),
      decide: async (loaded) => {
        if (loaded.state.status !== "NONE") return done(replayOf(loaded, submission));
        if (!spec || !verdict) return done(err({ code: "SIZE_NOT_OFFERED", size: submission.size }));
        const taken = await nameTaken();
        if (taken) return done(err(taken));
        const { idempotencyKey: _key, networkPath, ...fields } = submission;
        const requester = { id: principal.userId, name: principal.name, email: principal.email };
        const decided = decideVmRequest(
          {
            type: "SubmitRequest",
            data: { requestId, requester, ...fields, spec, networkPath: networkPath ?? null },
          },
          loaded.state,
        );
        if (!decided.ok) return done(decided);
        // pending requests hold nothing, so submitting takes no capacity: a read is enough to refuse one
        // that could never be approved (its approval checks again, as part of its batch)
        const submitted = decided.value.find((e) => e.type === "VmRequestSubmitted");
        if (submitted) {
          const overQuota = await quotaRefusal(deps.db, {
            tenantId: principal.tenantId,
            projectId: submission.projectId,
            needs: amountsOf(submitted.data.spec),
            what: "this request",
            field: "size",
          });
          if (overQuota) return done(err(overQuota));
        }
        const apply = applyVerdictCommand(verdict, { requestId, now: deps.clock() });
        const state = decided.value.reduce(evolveVmRequest, loaded.state);
        const applied = apply ? decideVmRequest(apply, state) : ok([]);
        if (!applied.ok) return done(applied);
        const events = [...decided.value, ...applied.value];
        return appendToRequest(deps, {
          loaded,
          requestId,
          requesterId: principal.userId,
          events,
          ctx: userCommandContext(deps, principal),
          answer: () => ({ requestId, version: events.length, created: true }),
        });
      },
    });
    if (!submitted.ok || !submitted.value.created || verdict?.approvalsRequired !== 0 || !verdict.ruleId)
      return submitted;
    const version = await approveByPolicy(deps, {
      tenantId: principal.tenantId,
      requestId,
      version: submitted.value.version,
      ruleId: verdict.ruleId,
      explanation: verdict.explanation,
    });
    return ok({ ...submitted.value, version });
  } catch (error) {
    // the name's key refused the batch: another submit of this name committed between check and append
    const taken = error instanceof EventStoreUnavailableError ? await nameTaken() : null;
    if (taken) return err(taken);
    throw error;
  }
}
