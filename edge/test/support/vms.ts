import type { ActionUpdate, JobReport } from "@gantry/shared/protocol/job-report";
import type { Principal } from "../../src/auth/principal.ts";
import { recordVmActionUpdate } from "../../src/commands/record-vm-action-update.ts";
import { callerFor, requestInput } from "./callers.ts";
import { provisionToReady } from "./job-updates.ts";
import type { TestWorkflow } from "./test-deps.ts";
import type { TestTenant } from "./test-tenant.ts";

/**
 * A READY VM of `owner` (size M: 4 vCPU, 8 GB, 100 GB), approved by the tenant's admin (or `approver`)
 * and provisioned through the agent's reports: vm-1001, "web-api-01", 10.0.0.5.
 */
export async function readyVm(
  w: TestWorkflow,
  t: TestTenant,
  options: { owner?: Principal; approver?: Principal; name?: string; vmwareId?: string } = {},
): Promise<string> {
  const owner = options.owner ?? t.member;
  const created = await callerFor(owner, w).requests.create(
    requestInput(t.projectId, options.name ? { name: options.name } : {}),
  );
  await callerFor(options.approver ?? t.admin, w).approvals.approve({
    requestId: created.requestId,
    expectedVersion: created.version,
  });
  const results = await provisionToReady(w, {
    requestId: created.requestId,
    tenantId: t.tenantId,
    start: w.clock.now(),
    ...(options.vmwareId ? { vmwareId: options.vmwareId } : {}),
  });
  if (!results.every((r) => r.ok)) throw new Error("provisioning was refused");
  await w.settle();
  return created.requestId;
}

/** What the site's hub passes on for one frame of an action's job (already fenced). */
export function actionReport(
  t: TestTenant,
  input: { vmId: string; actionId: string; update: ActionUpdate },
): JobReport & { update: ActionUpdate } {
  return {
    tenantId: t.tenantId,
    requestId: input.vmId,
    jobId: `job-${input.actionId}`,
    agentId: "agent-1",
    epoch: 1,
    eventId: crypto.randomUUID(),
    receivedAt: input.update.at,
    update: input.update,
  };
}

/** Records an agent's report of an action, as the hub does. */
export async function report(
  w: TestWorkflow,
  t: TestTenant,
  input: { vmId: string; actionId: string; update: ActionUpdate },
) {
  const recorded = await recordVmActionUpdate(w.deps, actionReport(t, input));
  await w.settle();
  return recorded;
}

export const vmFacts = (overrides: Record<string, unknown> = {}) => ({
  name: "web-api-01",
  powerState: "poweredOn" as const,
  cpu: 4,
  memoryMb: 8192,
  diskGb: 100,
  ipAddress: "10.0.0.5",
  hostname: "api-01",
  ...overrides,
});
