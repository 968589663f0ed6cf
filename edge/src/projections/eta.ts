import {
  PROVISIONING_STAGES,
  type ProvisioningStage,
  stageIndex,
} from "@gantry/shared/jobs/provisioning-stage";
import type { ProgressEta, StageTiming } from "@gantry/shared/protocol/progress";
import type { StageStats } from "./stage-run-queries.ts";

export type { StageStats };

/** "Taking longer than usual" never fires before this much elapsed time, however fast the usual run is. */
export const SLOW_FLOOR_MS = 10 * 60_000;

const average = (stats: StageStats, stage: ProvisioningStage): number => stats.averageMs[stage] ?? 0;

/** Sum of the average duration of every stage; null without history. */
export function expectedTotalMs(stats: StageStats | null): number | null {
  if (!stats || stats.runs < 1) return null;
  return Math.round(PROVISIONING_STAGES.reduce((sum, stage) => sum + average(stats, stage), 0));
}

/**
 * When the run is expected to finish: the unspent part of the current stage's average plus the averages
 * of every later stage. Null without history (no guess), before the first stage and once no stage is open.
 */
export function computeEta(input: {
  stats: StageStats | null;
  stages: readonly StageTiming[];
  now: number;
}): ProgressEta | null {
  const { stats, stages, now } = input;
  const total = expectedTotalMs(stats);
  if (!stats || total === null || stages.length === 0) return null;
  const current = stages[stages.length - 1];
  if (!current || current.endedAt !== null) return null;
  const spent = now - Date.parse(current.startedAt);
  let remaining = Math.max(0, average(stats, current.stage) - spent);
  for (const stage of PROVISIONING_STAGES.slice(stageIndex(current.stage) + 1)) {
    remaining += average(stats, stage);
  }
  return {
    expectedTotalMs: total,
    finishAt: new Date(now + Math.round(remaining)).toISOString(),
    runs: stats.runs,
  };
}

/**
 * The moment (ms since epoch) a run counts as taking longer than usual: elapsed time past both the
 * floor (ten minutes unless configured) and twice the expected total. A first run of a template and
 * size has no expected total: the floor alone decides. Null before the first stage.
 */
export function slowThreshold(input: {
  stats: StageStats | null;
  stages: readonly StageTiming[];
  floorMs?: number;
}): number | null {
  const floorMs = input.floorMs ?? SLOW_FLOOR_MS;
  const total = expectedTotalMs(input.stats);
  const first = input.stages[0];
  if (!first) return null;
  return Date.parse(first.startedAt) + Math.max(floorMs, 2 * (total ?? 0));
}
