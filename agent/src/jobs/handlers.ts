import type { ProvisionedVm, ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { AgentJob, AgentJobKind } from "@gantry/shared/protocol/agent";
import type { Result } from "@gantry/shared/result";
import type { JobContext } from "./job-context.ts";

/** Runs one job kind; expected failures are values, the returned result is reported last. */
export type JobHandler = (
  job: AgentJob,
  ctx: JobContext,
) => Promise<Result<ProvisionedVm, ProvisioningFailure>>;

/** The registry: job kind → handler. Built by the AgentRuntime, where the vCenter client exists. */
export type HandlerRegistry = ReadonlyMap<AgentJobKind, JobHandler>;

export function createHandlerRegistry(handlers: Partial<Record<AgentJobKind, JobHandler>>): HandlerRegistry {
  const map = new Map<AgentJobKind, JobHandler>();
  for (const [kind, handler] of Object.entries(handlers) as [AgentJobKind, JobHandler | undefined][]) {
    if (handler) map.set(kind, handler);
  }
  return map;
}
