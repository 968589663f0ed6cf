import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { ok, type Result } from "@gantry/shared/result";
import { buildProvisionVmJob, type JobSource } from "./build-job.ts";

/**
 * Process manager of provisioning: an approval dispatches exactly one job (the caller writes it to the
 * outbox in the approval's batch). The VM's start and outcome need no command to move the request on:
 * the request folds its VM's events (`evolveVmRequest`). Pure, like a decider.
 */

export type SagaCommand = {
  type: "DispatchProvisioningJob";
  data: { tenantId: string; siteId: string; job: ProvisionVmJob };
};

export interface ProvisioningSagaState {
  submitted: Extract<DomainEvent, { type: "VmRequestSubmitted" }>["data"] | null;
  jobDispatched: boolean;
}

export const initialSagaState: ProvisioningSagaState = { submitted: null, jobDispatched: false };

export function evolveSaga(state: ProvisioningSagaState, event: DomainEvent): ProvisioningSagaState {
  switch (event.type) {
    case "VmRequestSubmitted":
      return { ...state, submitted: event.data };
    case "VmRequestApproved":
      return { ...state, jobDispatched: true };
    default:
      return state;
  }
}

/** Where an approved request's VM goes; looked up by the caller, since the saga does no I/O. */
export interface PlacementContext {
  tenantId: string;
  tenant: JobSource["tenant"];
  project: JobSource["project"];
  site: JobSource["site"];
}

export function decideSaga(input: {
  event: DomainEvent;
  state: ProvisioningSagaState;
  placement?: PlacementContext;
}): Result<SagaCommand[], DomainError> {
  const { event, state } = input;
  switch (event.type) {
    case "VmRequestApproved": {
      // a replayed approval must not dispatch a second job
      if (state.jobDispatched || !state.submitted || !input.placement) return ok([]);
      const { tenantId, tenant, project, site } = input.placement;
      const { requestId, name, spec, requester, networkPath } = state.submitted;
      const job = buildProvisionVmJob({
        requestId,
        name,
        spec,
        requester,
        networkPath,
        tenant,
        project,
        site,
      });
      if (!job.ok) return job;
      return ok([{ type: "DispatchProvisioningJob", data: { tenantId, siteId: site.id, job: job.value } }]);
    }
    default:
      return ok([]);
  }
}
