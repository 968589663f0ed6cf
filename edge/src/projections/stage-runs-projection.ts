import type { StageDuration } from "@gantry/shared/events/vm";
import type { InlineProjection } from "../event-store/inline-projection.ts";
import { jobIdFor, requestIdOfVm } from "../provisioning/ids.ts";

export const STAGE_RUNS = "stage_runs";

export const TIMED_STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"] as const;
type TimedStage = (typeof TIMED_STAGES)[number];

const durationOf = (durations: readonly StageDuration[], stage: TimedStage): number | undefined =>
  durations.find((d) => d.stage === stage)?.durationMs;

/** The hardware a job builds, as stage_runs keys it: "cpu/memoryMb/diskGb". */
export const SHAPE_OF_JOB_SQL =
  "json_extract(job, '$.cpu') || '/' || json_extract(job, '$.memoryMb') || '/' || json_extract(job, '$.diskGb')";

/**
 * One row per successful run that went through every timed stage (runs that skipped one would skew the
 * averages), keyed by tenant, template and hardware so ETAs compare like with like. Template and
 * hardware come from the run's job in the outbox, which an approved request always has, read by its key.
 */
export const stageRunsProjection: InlineProjection = {
  name: "stage-runs",
  tables: [STAGE_RUNS],
  project(e, target) {
    const { event } = e;
    if (event.type !== "VmProvisioned") return [];
    const ms = TIMED_STAGES.map((stage) => durationOf(event.data.stageDurations, stage));
    if (ms.some((d) => d === undefined)) return [];
    return [
      target.db
        .prepare(
          `INSERT OR IGNORE INTO ${target.table(STAGE_RUNS)}
             (tenant_id, template_path, shape, finished_at, request_id,
              cloning_ms, configuring_ms, powering_on_ms, waiting_for_network_ms)
           SELECT tenant_id, json_extract(job, '$.placement.templatePath'), ${SHAPE_OF_JOB_SQL}, ?, request_id,
                  ?, ?, ?, ?
           FROM job_outbox WHERE job_id = ? AND tenant_id = ?`,
        )
        .bind(e.occurredAt, ...ms, jobIdFor(requestIdOfVm(event.data.vmId)), e.metadata.tenantId),
    ];
  },
};
