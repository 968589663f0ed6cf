import type { ReachedStage } from "@gantry/shared/events/vm";
import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { JobReport, ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import type { CommandDeps } from "../../src/commands/command-deps.ts";
import { recordJobUpdate } from "../../src/commands/record-job-update.ts";
import type { TestWorkflow } from "./test-deps.ts";

/** What the hub would pass for one agent frame about a request's job. */
export function frame(
  requestId: string,
  update: ProvisioningUpdate,
  overrides: Partial<Omit<JobReport, "update">> = {},
): JobReport & { update: ProvisioningUpdate } {
  return {
    tenantId: "acme",
    requestId,
    jobId: `job-${requestId}`,
    epoch: 1,
    eventId: crypto.randomUUID(),
    agentId: "agent-1",
    // the hub's time of receipt; tests that do not care about clock skew receive it when it happened
    receivedAt: update.at,
    update,
    ...overrides,
  };
}

export const stageAt = (stage: ProvisioningStage, at: Date): ProvisioningUpdate => ({
  kind: "stage",
  stage,
  at: at.toISOString(),
});

export const succeededAt = (
  at: Date,
  ipAddress: string | null = "10.0.0.5",
  vmwareId = "vm-1001",
): ProvisioningUpdate => ({
  kind: "succeeded",
  at: at.toISOString(),
  vm: {
    vmwareId,
    vmName: "web-api-01",
    hostname: "api-01",
    ipAddress,
    ...(ipAddress === null ? { warning: "VMware Tools did not report an address in time" } : {}),
  },
});

export const failure: ProvisioningFailure = {
  code: "INSUFFICIENT_RESOURCES",
  userMessage: "",
  technicalDetail: "CloneVM_Task: InsufficientResourcesFault on /DC0/host/DC0_C0",
  retriable: true,
  attempts: 3,
  cleanupFailed: false,
};

/**
 * The stages after the first each job's hub holds: these tests call the command the hub calls, so they
 * keep what the hub's jobs table would (AgentHub tests exercise the table itself).
 */
const heldByJob = new Map<string, ReachedStage[]>();

/** What the hub holds for a job so far (empty for a job with only its first stage, or none). */
export const heldStages = (jobId: string): ReachedStage[] => heldByJob.get(jobId) ?? [];

/**
 * Records a frame through the test's workflow deps (its clock and dispatcher), with the stages the hub
 * holds for its job (unless the report names its own), and holds the stage the command hands back.
 */
export async function recordHolding(deps: CommandDeps, report: JobReport & { update: ProvisioningUpdate }) {
  const held = report.stagesReached ?? heldStages(report.jobId);
  const recorded = await recordJobUpdate(deps, held.length > 0 ? { ...report, stagesReached: held } : report);
  if (recorded.ok && recorded.value.stageReached)
    heldByJob.set(report.jobId, [...held, recorded.value.stageReached]);
  return recorded;
}

export const record = (w: TestWorkflow, report: JobReport & { update: ProvisioningUpdate }) =>
  recordHolding(w.deps, report);

/** Reports the four timed stages 10 s apart, then success; returns the results. */
export async function provisionToReady(
  w: TestWorkflow,
  input: { requestId: string; tenantId: string; start: Date; ipAddress?: string | null; vmwareId?: string },
) {
  const at = (s: number) => new Date(input.start.getTime() + s * 1000);
  const stages: ProvisioningStage[] = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"];
  const results = [];
  for (const [i, stage] of stages.entries()) {
    results.push(
      await record(w, frame(input.requestId, stageAt(stage, at(i * 10)), { tenantId: input.tenantId })),
    );
  }
  const ip = input.ipAddress === undefined ? "10.0.0.5" : input.ipAddress;
  results.push(
    await record(
      w,
      frame(input.requestId, succeededAt(at(45), ip, input.vmwareId), { tenantId: input.tenantId }),
    ),
  );
  return results;
}
