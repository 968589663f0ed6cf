import type {
  ProvisionedVm,
  ProvisioningFailure,
  ProvisionVmJob,
} from "@gantry/shared/jobs/provision-vm-job";
import type { VmActionFailure, VmActionJob, VmActionResult } from "@gantry/shared/jobs/vm-action-job";
import type { AgentJob, AgentJobKind, JobResultOutcome } from "@gantry/shared/protocol/agent";
import type { Result } from "@gantry/shared/result";
import type { JobContext } from "./job-context.ts";
import { LeaseLostError } from "./lease-lost-error.ts";

/** Provisions one VM; expected failures are values, the returned result is reported last. */
export type JobHandler = (
  job: ProvisionVmJob,
  ctx: JobContext,
) => Promise<Result<ProvisionedVm, ProvisioningFailure>>;

/** Carries out one VM action (the kind its registry entry names); expected failures are values. */
export type ActionHandler = (
  job: VmActionJob,
  ctx: JobContext,
) => Promise<Result<VmActionResult, VmActionFailure>>;

type ActionKind = VmActionJob["kind"];

/** A handler as the job runner calls it: any job in, the `job.result` outcome out, never a throw. */
export type RunJob = (job: AgentJob, ctx: JobContext) => Promise<JobResultOutcome>;

/** The registry: job kind → runner. Built by the AgentRuntime, where the vCenter client exists. */
export type HandlerRegistry = ReadonlyMap<AgentJobKind, RunJob>;

export type Handlers = { "provision-vm"?: JobHandler | undefined } & {
  [TKind in ActionKind]?: ActionHandler | undefined;
};

const describe = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 4000);

/** A provisioning handler as a runner: its Result as the outcome; a throw is an UNKNOWN (or LEASE_LOST) failure. */
export const runProvision =
  (handler: JobHandler): RunJob =>
  async (job, ctx) => {
    if (job.kind !== "provision-vm") throw new Error(`a provisioning handler got a ${job.kind} job`);
    try {
      const result = await handler(job, ctx);
      return result.ok ? { ok: true, vm: result.value } : { ok: false, failure: result.error };
    } catch (error) {
      const lost = error instanceof LeaseLostError;
      const failure: ProvisioningFailure = {
        code: lost ? "LEASE_LOST" : "UNKNOWN",
        userMessage: lost ? "The agent lost its claim on the job." : "The agent hit an unexpected error.",
        technicalDetail: describe(error),
        retriable: true,
        attempts: ctx.attempt,
        cleanupFailed: false,
      };
      return { ok: false, failure };
    }
  };

/** A VM action's handler as a runner; a throw is an UNKNOWN (or LEASE_LOST) failure. */
export const runAction =
  (kind: ActionKind, handler: ActionHandler): RunJob =>
  async (job, ctx) => {
    if (job.kind === "provision-vm" || job.kind !== kind)
      throw new Error(`a ${kind} handler got a ${job.kind} job`);
    try {
      const result = await handler(job, ctx);
      return result.ok
        ? { status: "done", result: result.value }
        : { status: "failed", failure: result.error };
    } catch (error) {
      const lost = error instanceof LeaseLostError;
      const failure: VmActionFailure = {
        code: lost ? "LEASE_LOST" : "UNKNOWN",
        userMessage: "",
        technicalDetail: describe(error),
        retriable: true,
        attempts: ctx.attempt,
      };
      return { status: "failed", failure };
    }
  };

export function createHandlerRegistry(handlers: Handlers): HandlerRegistry {
  const map = new Map<AgentJobKind, RunJob>();
  for (const kind of Object.keys(handlers) as AgentJobKind[]) {
    if (kind === "provision-vm") {
      const handler = handlers[kind];
      if (handler) map.set(kind, runProvision(handler));
      continue;
    }
    const handler = handlers[kind];
    if (handler) map.set(kind, runAction(kind, handler));
  }
  return map;
}
