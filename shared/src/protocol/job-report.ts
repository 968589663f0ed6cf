import { z } from "zod";
import { ReachedStage } from "../events/vm.ts";
import { ProvisionedVm, ProvisioningFailure } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import { StepDetail, VmActionFailure, VmActionResult, VmActionStep } from "../jobs/vm-action-job.ts";

const At = z.string().datetime();

/** A provisioning stage the agent started; `at` is the agent's clock, kept as metadata only (see `JobReport.receivedAt`). */
export const StageReport = z.object({ kind: z.literal("stage"), stage: ProvisioningStage, at: At });
/** The VM is ready. */
export const SuccessReport = z.object({ kind: z.literal("succeeded"), vm: ProvisionedVm, at: At });
/** The run failed, or was stopped (code CANCELLED). */
export const FailureReport = z.object({ kind: z.literal("failed"), failure: ProvisioningFailure, at: At });

/** A VM action reached a step. */
export const StepReport = z.object({
  kind: z.literal("step"),
  step: VmActionStep,
  detail: StepDetail.default({}),
  at: At,
});
/** A VM action finished as asked. */
export const ActionDoneReport = z.object({ kind: z.literal("action-done"), result: VmActionResult, at: At });
/** A VM action failed, was stopped (CANCELLED) or ran out of time (TIMED_OUT). */
export const ActionFailedReport = z.object({
  kind: z.literal("action-failed"),
  failure: VmActionFailure,
  at: At,
});

/**
 * What happened to a job, as its agent observed it: a provisioning stage reached or its outcome, or a
 * VM action's step or outcome.
 */
export const JobUpdate = z.discriminatedUnion("kind", [
  StageReport,
  SuccessReport,
  FailureReport,
  StepReport,
  ActionDoneReport,
  ActionFailedReport,
]);
export type JobUpdate = z.infer<typeof JobUpdate>;
/** An update of a provisioning job. */
export type ProvisioningUpdate = Extract<JobUpdate, { kind: "stage" | "succeeded" | "failed" }>;
/** An update of a VM action's job. */
export type ActionUpdate = Extract<JobUpdate, { kind: "step" | "action-done" | "action-failed" }>;

export const isActionUpdate = (update: JobUpdate): update is ActionUpdate =>
  update.kind === "step" || update.kind === "action-done" || update.kind === "action-failed";

/**
 * What an agent says about a job, once the site's hub has fenced its frame by lease epoch: the one
 * shape that travels from the hub into the command that records it (`recordJobUpdate`), unchanged.
 * The wire frames (`job.progress`, `job.result` in agent.ts) become a report in exactly one place, the hub.
 */
export const JobReport = z.object({
  tenantId: z.string().min(1).max(100),
  /** the request whose job it is; for a VM action, the VM's (which shares the request's id) */
  requestId: z.string().min(1).max(100),
  jobId: z.string().min(1).max(100),
  /** the reporting agent, recorded as the events' actor; `hub` for a stop no agent reported */
  agentId: z.string().min(1).max(100),
  /** the lease epoch the hub fenced the report with; kept in the events' metadata */
  epoch: z.number().int().min(0),
  /** the frame's id, stable across resends, so one report is never recorded twice */
  eventId: z.string().min(1).max(200),
  /**
   * When the hub received it, by the hub's clock: the events' `occurred_at` and every duration come
   * from this, never from the agent's clock (`update.at`, kept in the events' metadata as `agentAt`),
   * so one agent with a wrong clock cannot reorder or skew anything.
   */
  receivedAt: z.string().datetime(),
  /** the job's kind, as the hub queued it: where the report is recorded (absent: by the update's kind) */
  jobKind: z.string().min(1).max(40).optional(),
  update: JobUpdate,
  /**
   * A provisioning job's stages after the first, as the hub holds them while the job runs (they reach the
   * log with the outcome, not one event each): what the report is decided on besides the log. Absent: none.
   */
  stagesReached: z.array(ReachedStage).max(20).optional(),
});
export type JobReport = z.infer<typeof JobReport>;
