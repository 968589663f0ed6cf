import type { AdoptUnownedVmInput, UnownedVmAdoption } from "@gantry/shared/api/reconciliation";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import type { VmAdoptJob } from "@gantry/shared/jobs/vm-action-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { getTenantPerson } from "../auth/users.ts";
import { type LoadedStream, readStream } from "../event-store/read-stream.ts";
import { type StoredEvent, streamIds } from "../event-store/stored-event.ts";
import { unownedVmAdoptingStatement, unownedVmOf } from "../projections/reconciliation-projection.ts";
import { getProject } from "../tenancy/projects.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { actionDeadline } from "./action-deadline.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { destructionIdFor } from "./unowned-vm-destruction.ts";
import { appendUnownedVmJob } from "./unowned-vm-job.ts";

export const ADOPT_JOB = "vm.adopt" satisfies VmAdoptJob["kind"];
export const ADOPT_NEEDS = `an agent that runs ${ADOPT_JOB} (this Gantry release's agent or newer)`;

const MB_PER_GB = 1024;

/** Why an adoption was refused; another tenant's VM, site, project or person is `NOT_FOUND`, like a missing one. */
export type AdoptUnownedError =
  | { code: "NOT_FOUND" }
  | { code: "PROJECT_NOT_FOUND" }
  | { code: "PROJECT_ARCHIVED" }
  | { code: "PROJECT_OF_ANOTHER_SITE" }
  | { code: "OWNER_NOT_FOUND" }
  | { code: "NO_AGENT_CAN_RUN"; connected: number; needs: string }
  | { code: "CONCURRENT_MODIFICATION" };

/**
 * The adopted VM's id: (tenant, site, moref, old marker value) hashed like a destruction's, under its own
 * prefix, so a repeated or concurrent adopt lands on one request stream and answers the same VM — never two.
 */
export const adoptedVmIdFor = async (key: Parameters<typeof destructionIdFor>[0]): Promise<string> =>
  `vma_${(await destructionIdFor(key)).slice("uvd_".length)}`;

/** The latest adoption attempt on the adopted VM's request stream; null before the first (or another tenant's). */
function lastAdoption(events: readonly StoredEvent[], tenantId: string) {
  if (events[0] && events[0].metadata.tenantId !== tenantId) return null;
  let last = null as { attempt: number; jobId: string; status: "running" | "failed" | "done" } | null;
  for (const { event } of events) {
    if (event.type === "VmAdopted")
      last = { attempt: (last?.attempt ?? 0) + 1, jobId: event.data.jobId, status: "running" };
    else if (last && event.type === "VmAdoptionFailed") last.status = "failed";
    // older logs: a success recorded on this stream too (now only on the VM's, and answered like a run)
    else if (last && event.type === "VmRequestReady") last.status = "done";
  }
  return last;
}

/**
 * An admin adopts a marker VM no Gantry VM owns into a project, owned by a person of the tenant: one batch
 * with `VmAdopted` (the first event of the adopted VM's request stream), its request_summary row (so My VMs,
 * the VM page and quotas see it), the unowned row marked adopting and the outbox row of a `vm.adopt` job that
 * rewrites the marker from the value the scan saw to the new id (compare-and-set on the agent).
 */
export async function adoptUnownedVm(
  deps: DispatchDeps,
  input: { principal: Principal; request: AdoptUnownedVmInput; policy: VmPolicy },
): Promise<Result<UnownedVmAdoption, AdoptUnownedError>> {
  const { principal, request, policy } = input;
  const tenantId = principal.tenantId;
  const key = {
    tenantId,
    siteId: request.siteId,
    vmwareId: request.vmwareId,
    markerRequestId: request.markerRequestId,
  };
  const vmId = await adoptedVmIdFor(key);
  const streamId = streamIds.vmRequest(vmId);
  const running = lastAdoption((await readStream(deps.db, streamId)).events, tenantId);
  // a repeat answers the VM the first adopt made while its job runs or after it succeeded
  if (running && running.status !== "failed")
    return ok({ vmId, jobId: running.jobId, outcome: "already-queued" });

  const [listed, project, owner] = await Promise.all([
    unownedVmOf(deps.db, key),
    getProject(deps.db, { tenantId, projectId: request.projectId }),
    getTenantPerson(deps.db, { tenantId, userId: request.ownerId }),
  ]);
  if (!listed || listed.destroying || listed.adopting) return err({ code: "NOT_FOUND" });
  if (!project) return err({ code: "PROJECT_NOT_FOUND" });
  if (project.archivedAt) return err({ code: "PROJECT_ARCHIVED" });
  if (project.siteId !== request.siteId) return err({ code: "PROJECT_OF_ANOTHER_SITE" });
  if (!owner) return err({ code: "OWNER_NOT_FOUND" });
  const capabilities = await deps.dispatcher.capabilities(request.siteId);
  if (!capabilities.jobs.includes(ADOPT_JOB))
    return err({ code: "NO_AGENT_CAN_RUN", connected: capabilities.connected, needs: ADOPT_NEEDS });

  const now = deps.clock();
  const written = await handleCommand<LoadedStream, UnownedVmAdoption>(deps.store, {
    load: () => readStream(deps.db, streamId),
    decide: (stream) => {
      const last = lastAdoption(stream.events, tenantId);
      if (last && last.status !== "failed")
        return done(ok({ vmId, jobId: last.jobId, outcome: "already-queued" }));
      // after a failed adoption, asking again is a new attempt on the same VM id (never a second VM)
      const jobId = last ? `job-${vmId}-${last.attempt + 1}` : `job-${vmId}`;
      const deadline = actionDeadline(policy, { now });
      const job: VmAdoptJob = {
        kind: ADOPT_JOB,
        jobId,
        requestId: vmId,
        vmwareId: request.vmwareId,
        vmName: listed.name || request.vmwareId,
        deadline,
        marker: request.markerRequestId,
      };
      const event: VmRequestEvent = {
        type: "VmAdopted",
        data: {
          requestId: vmId,
          vmId,
          owner: { id: owner.userId, name: owner.name, email: owner.email },
          projectId: project.id,
          siteId: request.siteId,
          vmwareId: request.vmwareId,
          name: listed.name,
          spec: {
            cpu: Math.max(1, listed.cpu),
            memoryGb: Math.max(1, Math.round(listed.memoryMb / MB_PER_GB)),
            diskGb: Math.max(1, listed.diskGb),
          },
          powerState: listed.powerState,
          ipAddress: null,
          oldMarker: request.markerRequestId,
          jobId,
          deadline,
        },
      };
      return appendUnownedVmJob(deps, {
        principal,
        siteId: request.siteId,
        stream: { streamId, version: stream.version },
        event,
        job,
        rowStatement: unownedVmAdoptingStatement(deps.db, key, jobId),
        answer: { vmId, jobId, outcome: "queued" as const },
      });
    },
  });
  return written.ok ? written : err({ code: "CONCURRENT_MODIFICATION" });
}
