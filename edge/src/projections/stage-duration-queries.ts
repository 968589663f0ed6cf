import { type ProvisioningStage, stageIndex } from "@gantry/shared/jobs/provisioning-stage";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { TIMED_STAGES } from "./stage-durations-projection.ts";

export type StageAverages = { runs: number; ms: Readonly<Record<(typeof TIMED_STAGES)[number], number>> };

/** The tenant's average duration of each stage over completed runs; null before the first run. */
export async function stageAverages(db: SqlDatabase, tenantId: string): Promise<StageAverages | null> {
  const row = await db
    .prepare(
      "SELECT runs, cloning_ms, configuring_ms, powering_on_ms, waiting_for_network_ms FROM stage_durations WHERE tenant_id = ?",
    )
    .bind(tenantId)
    .first<{
      runs: number;
      cloning_ms: number;
      configuring_ms: number;
      powering_on_ms: number;
      waiting_for_network_ms: number;
    }>();
  if (!row || row.runs === 0) return null;
  const avg = (total: number) => Math.round(total / row.runs);
  return {
    runs: row.runs,
    ms: {
      CLONING: avg(row.cloning_ms),
      CONFIGURING: avg(row.configuring_ms),
      POWERING_ON: avg(row.powering_on_ms),
      WAITING_FOR_NETWORK: avg(row.waiting_for_network_ms),
    },
  };
}

/**
 * Time left: what remains of the current stage's average (never below zero) plus the averages of the
 * stages after it. Pure, so the detail view and tests agree.
 */
export function remainingMs(
  averages: StageAverages,
  current: { stage: ProvisioningStage | null; since: string | null; now: Date },
): number {
  const from = current.stage === null ? -1 : stageIndex(current.stage);
  let total = 0;
  for (const stage of TIMED_STAGES) {
    const i = stageIndex(stage);
    if (i > from) total += averages.ms[stage];
    if (i === from && current.since !== null) {
      total += Math.max(0, averages.ms[stage] - (current.now.getTime() - Date.parse(current.since)));
    }
  }
  return total;
}
