import { vmActionHandlers } from "@gantry/agent/lifecycle/vm-action-handlers";
import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { createRetryPolicy } from "@gantry/agent/vsphere/retry";
import type { VmActionJob } from "@gantry/shared/jobs/vm-action-job";
import { fakeJobContext, testJob } from "../provisioning/fixture.ts";

const fastRetry = createRetryPolicy({ baseDelayMs: 5, maxDelayMs: 50 });

/** A VM Gantry built: provisioned by the agent's own code, so it carries the request's marker. */
export async function gantryVm(
  client: VsphereClient,
  spec: { cpu?: number; memoryMb?: number; diskGb?: number; requestId?: string } = {},
) {
  const job = testJob({
    cpu: spec.cpu ?? 1,
    memoryMb: spec.memoryMb ?? 1024,
    diskGb: spec.diskGb ?? 10,
    ...(spec.requestId === undefined ? {} : { requestId: spec.requestId }),
  });
  const built = await provisionVm(client, job, fakeJobContext(), {
    retryPolicy: fastRetry,
    networkWaitMs: 10_000,
  });
  if (!built.ok) throw new Error(`provisioning failed: ${built.error.code} ${built.error.technicalDetail}`);
  return {
    requestId: job.requestId,
    vmwareId: built.value.vmwareId,
    vmName: job.vmName,
    hostname: job.hostname,
  };
}

type Vm = Awaited<ReturnType<typeof gantryVm>>;
type JobFields<TKind extends VmActionJob["kind"]> = Omit<
  Extract<VmActionJob, { kind: TKind }>,
  "kind" | "jobId" | "requestId" | "vmwareId" | "vmName" | "deadline"
>;

let jobs = 0;

/** An action job on `vm`, as the edge would build it (deadline a minute ahead). */
export function actionJob<TKind extends VmActionJob["kind"]>(
  kind: TKind,
  vm: Vm,
  fields: JobFields<TKind>,
): Extract<VmActionJob, { kind: TKind }> {
  jobs += 1;
  return {
    kind,
    jobId: `job-act-${Date.now().toString(36)}-${jobs}`,
    requestId: vm.requestId,
    vmwareId: vm.vmwareId,
    vmName: vm.vmName,
    deadline: new Date(Date.now() + 60_000).toISOString(),
    ...fields,
  } as Extract<VmActionJob, { kind: TKind }>;
}

/** Runs one job through the agent's own handler for its kind; returns the result and the steps reported. */
export async function runAction(
  client: VsphereClient,
  job: VmActionJob,
  options: { guestWaitMs?: number } = {},
) {
  const handlers = vmActionHandlers(client, {
    retryPolicy: fastRetry,
    guestWaitMs: options.guestWaitMs ?? 5000,
  });
  const handler = handlers[job.kind];
  if (!handler) throw new Error(`no handler for ${job.kind}`);
  const ctx = fakeJobContext();
  const result = await handler(job, ctx);
  return { result, steps: ctx.steps.map((s) => s.step), details: ctx.steps, ctx };
}
