import type { DestroyUnownedVmInput, UnownedVmDestruction } from "@gantry/shared/api/reconciliation";
import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import type { VmDestroyUnownedJob } from "@gantry/shared/jobs/vm-action-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { type LoadedStream, readStream } from "../event-store/read-stream.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { unownedVmDestroyingStatement, unownedVmOf } from "../projections/reconciliation-projection.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { actionDeadline } from "./action-deadline.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { destructionIdFor, lastDestruction } from "./unowned-vm-destruction.ts";
import { appendUnownedVmJob } from "./unowned-vm-job.ts";

export const DESTROY_UNOWNED_JOB = "vm.destroy-unowned" satisfies VmDestroyUnownedJob["kind"];
export const DESTROY_UNOWNED_NEEDS = `an agent that runs ${DESTROY_UNOWNED_JOB} (this Gantry release's agent or newer)`;

/** Why a destruction was refused; another tenant's VM or site is `NOT_FOUND`, like a missing one. */
export type DestroyUnownedError =
  | { code: "NOT_FOUND" }
  | { code: "CONFIRMATION_MISMATCH" }
  | { code: "NO_AGENT_CAN_RUN"; connected: number; needs: string }
  | { code: "CONCURRENT_MODIFICATION" };

/**
 * An admin destroys a marker VM no Gantry VM owns, as the last scan listed it, confirmed by typing its
 * name: `UnownedVmDestroyRequested` on the destruction's stream (who, which VM, the marker value), the
 * job's outbox row and the page's "destroying" in one batch, then the job is relayed to the site's hub. The
 * agent re-reads the marker before the destroy and touches nothing whose marker changed or vanished.
 * Asking again while the job runs answers the same job; after its deadline (or a failure), a new one.
 */
export async function destroyUnownedVm(
  deps: DispatchDeps,
  input: { principal: Principal; request: DestroyUnownedVmInput; policy: VmPolicy },
): Promise<Result<UnownedVmDestruction, DestroyUnownedError>> {
  const { principal, request, policy } = input;
  const key = {
    tenantId: principal.tenantId,
    siteId: request.siteId,
    vmwareId: request.vmwareId,
    markerRequestId: request.markerRequestId,
  };
  const listed = await unownedVmOf(deps.db, key);
  // one being adopted is no longer for destroying here (its adoption ends first, then it is a VM or listed again)
  if (!listed || listed.adopting) return err({ code: "NOT_FOUND" });
  if (request.confirmName !== listed.name) return err({ code: "CONFIRMATION_MISMATCH" });
  const capabilities = await deps.dispatcher.capabilities(request.siteId);
  if (!capabilities.jobs.includes(DESTROY_UNOWNED_JOB))
    return err({ code: "NO_AGENT_CAN_RUN", connected: capabilities.connected, needs: DESTROY_UNOWNED_NEEDS });

  const destructionId = await destructionIdFor(key);
  const streamId = streamIds.unownedVmDestruction(destructionId);
  const now = deps.clock();
  const written = await handleCommand<LoadedStream, UnownedVmDestruction>(deps.store, {
    load: () => readStream(deps.db, streamId),
    decide: (stream) => {
      const last = lastDestruction(stream.events);
      if (last?.running && Date.parse(last.deadline) > now.getTime())
        return done(ok({ destructionId, jobId: last.jobId, outcome: "already-queued" }));
      const jobId = `${destructionId}-${(last?.attempt ?? 0) + 1}`;
      const deadline = actionDeadline(policy, { now });
      const job: VmDestroyUnownedJob = {
        kind: DESTROY_UNOWNED_JOB,
        jobId,
        requestId: destructionId,
        vmwareId: request.vmwareId,
        vmName: listed.name || request.vmwareId,
        deadline,
        marker: request.markerRequestId,
      };
      const event: TenancyEvent = {
        type: "UnownedVmDestroyRequested",
        data: { destructionId, ...key, name: listed.name, jobId, deadline },
      };
      return appendUnownedVmJob(deps, {
        principal,
        siteId: request.siteId,
        stream: { streamId, version: stream.version },
        event,
        job,
        rowStatement: unownedVmDestroyingStatement(deps.db, key, jobId),
        answer: { destructionId, jobId, outcome: "queued" as const },
      });
    },
  });
  return written.ok ? written : err({ code: "CONCURRENT_MODIFICATION" });
}
