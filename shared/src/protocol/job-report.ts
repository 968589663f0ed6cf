import { z } from "zod";
import { ProvisionedVm, ProvisioningFailure } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";

const At = z.string().datetime();

/** A stage the agent started; `at` is the agent's clock, kept as metadata only (see `JobReport.receivedAt`). */
export const StageReport = z.object({ kind: z.literal("stage"), stage: ProvisioningStage, at: At });
/** The VM is ready. */
export const SuccessReport = z.object({ kind: z.literal("succeeded"), vm: ProvisionedVm, at: At });
/** The run failed, or was stopped (code CANCELLED). */
export const FailureReport = z.object({ kind: z.literal("failed"), failure: ProvisioningFailure, at: At });

/** What happened to a job, as its agent observed it: a stage reached, or the outcome. */
export const JobUpdate = z.discriminatedUnion("kind", [StageReport, SuccessReport, FailureReport]);
export type JobUpdate = z.infer<typeof JobUpdate>;

/**
 * What an agent says about a job, once the site's hub has fenced its frame by lease epoch: the one
 * shape that travels from the hub into the command that records it (`recordJobUpdate`), unchanged.
 * The wire frames (`job.progress`, `job.result` in agent.ts) become a report in exactly one place, the hub.
 */
export const JobReport = z.object({
  tenantId: z.string().min(1).max(100),
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
  update: JobUpdate,
});
export type JobReport = z.infer<typeof JobReport>;
