import type { StageDuration } from "@gantry/shared/events/vm";
import type { InlineProjection } from "../event-store/inline-projection.ts";

export const STAGE_DURATIONS = "stage_durations";

export const TIMED_STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"] as const;
type TimedStage = (typeof TIMED_STAGES)[number];

const durationOf = (durations: readonly StageDuration[], stage: TimedStage): number | undefined =>
  durations.find((d) => d.stage === stage)?.durationMs;

/**
 * Per-tenant sums of stage durations over successful runs that went through every stage, one upsert
 * per finished run. Averages of these feed ETAs; runs that skipped a stage would skew them.
 */
export const stageDurationsProjection: InlineProjection = {
  name: "stage-durations",
  tables: [STAGE_DURATIONS],
  project(e, target) {
    if (e.event.type !== "VmProvisioned") return [];
    const { stageDurations } = e.event.data;
    const ms = TIMED_STAGES.map((stage) => durationOf(stageDurations, stage));
    if (ms.some((d) => d === undefined)) return [];
    return [
      target.db
        .prepare(
          `INSERT INTO ${target.table(STAGE_DURATIONS)} (tenant_id, runs, cloning_ms, configuring_ms, powering_on_ms, waiting_for_network_ms)
           VALUES (?, 1, ?, ?, ?, ?)
           ON CONFLICT (tenant_id) DO UPDATE SET
             runs = runs + 1,
             cloning_ms = cloning_ms + excluded.cloning_ms,
             configuring_ms = configuring_ms + excluded.configuring_ms,
             powering_on_ms = powering_on_ms + excluded.powering_on_ms,
             waiting_for_network_ms = waiting_for_network_ms + excluded.waiting_for_network_ms`,
        )
        .bind(e.metadata.tenantId, ...ms),
    ];
  },
};
