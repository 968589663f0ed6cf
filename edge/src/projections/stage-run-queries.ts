import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { jobIdFor } from "../provisioning/ids.ts";
import { SHAPE_OF_JOB_SQL, TIMED_STAGES } from "./stage-runs-projection.ts";

/** Average stage durations over a tenant's recent successful runs of one template and size. */
export interface StageStats {
  /** how many runs the averages come from; 0 means no history */
  runs: number;
  averageMs: Partial<Record<ProvisioningStage, number>>;
}

// the request's own job says which template and hardware to compare with; read by its key (the outbox
// keeps every job, so a read by request would grow with the tenant's history)
const RECENT_RUNS_SQL = `
WITH me AS (
  SELECT json_extract(job, '$.placement.templatePath') AS template, ${SHAPE_OF_JOB_SQL} AS shape
  FROM job_outbox WHERE job_id = ?4 AND tenant_id = ?1
), recent AS (
  SELECT s.cloning_ms, s.configuring_ms, s.powering_on_ms, s.waiting_for_network_ms
  FROM stage_runs s JOIN me ON s.template_path = me.template AND s.shape = me.shape
  WHERE s.tenant_id = ?1 AND s.request_id <> ?2
  ORDER BY s.finished_at DESC
  LIMIT ?3
)
SELECT count(*) AS runs, avg(cloning_ms) AS CLONING, avg(configuring_ms) AS CONFIGURING,
       avg(powering_on_ms) AS POWERING_ON, avg(waiting_for_network_ms) AS WAITING_FOR_NETWORK
FROM recent`;

/**
 * ETA statistics for one request: per-stage averages over the tenant's last `runs` successful runs of
 * the same template and hardware. Null without history (or before approval), so no ETA is shown rather
 * than a guess. One indexed read.
 */
export async function loadStageStats(
  db: SqlDatabase,
  query: { tenantId: string; requestId: string; runs: number },
): Promise<StageStats | null> {
  const row = await db
    .prepare(RECENT_RUNS_SQL)
    .bind(query.tenantId, query.requestId, query.runs, jobIdFor(query.requestId))
    .first<{ runs: number } & Record<(typeof TIMED_STAGES)[number], number | null>>();
  if (!row || row.runs === 0) return null;
  const averageMs: StageStats["averageMs"] = {};
  for (const stage of TIMED_STAGES) {
    const ms = row[stage];
    if (ms !== null) averageMs[stage] = Math.round(ms);
  }
  return { runs: row.runs, averageMs };
}
