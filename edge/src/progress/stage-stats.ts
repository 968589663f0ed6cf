import { isVmEvent } from "@gantry/shared/events/catalog";
import { PROVISIONING_STAGES, type ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { readStreams } from "../event-store/read-stream.ts";
import { type SqlDatabase, streamIds } from "../event-store/stored-event.ts";
import { vmIdFor } from "../provisioning/build-job.ts";
import type { StageStats } from "./eta.ts";

/**
 * Finds the tenant's last `runs` successful requests with the same size and the same template as this
 * request (the template is the one in its job, i.e. the site's placement at approval). Reads the
 * request-summary read model and the job outbox of the request workflow.
 */
const RECENT_RUNS_SQL = `
WITH me AS (
  SELECT r.size AS size, json_extract(j.job, '$.placement.templatePath') AS template
  FROM request_summary r JOIN job_outbox j ON j.request_id = r.request_id
  WHERE r.tenant_id = ?1 AND r.request_id = ?2
)
SELECT r.request_id AS requestId
FROM request_summary r JOIN job_outbox j ON j.request_id = r.request_id JOIN me
WHERE r.tenant_id = ?1 AND r.request_id <> ?2 AND r.status = 'READY'
  AND r.size = me.size AND json_extract(j.job, '$.placement.templatePath') = me.template
ORDER BY r.updated_at DESC
LIMIT ?3`;

/** Averages each stage's duration over the runs that recorded it; runs without a stage do not dilute it. */
export function averageStages(
  runs: ReadonlyArray<ReadonlyArray<{ stage: ProvisioningStage; durationMs: number }>>,
): StageStats {
  const averageMs: StageStats["averageMs"] = {};
  for (const stage of PROVISIONING_STAGES) {
    const samples = runs.flatMap((durations) =>
      durations.filter((d) => d.stage === stage).map((d) => d.durationMs),
    );
    if (samples.length > 0) averageMs[stage] = samples.reduce((a, b) => a + b, 0) / samples.length;
  }
  return { runs: runs.length, averageMs };
}

/**
 * The ETA statistics for one request: per-stage averages over the tenant's last `runs` successful runs
 * of the same template and size. Null without history, so no ETA is shown rather than a guess.
 */
export async function loadStageStats(
  db: SqlDatabase,
  query: { tenantId: string; requestId: string; runs: number },
): Promise<StageStats | null> {
  const { results } = await db
    .prepare(RECENT_RUNS_SQL)
    .bind(query.tenantId, query.requestId, query.runs)
    .all<{ requestId: string }>();
  if (results.length === 0) return null;
  const events = await readStreams(
    db,
    results.map((r) => streamIds.vm(vmIdFor(r.requestId))),
  );
  const runs = events.flatMap(({ event }) =>
    isVmEvent(event) && event.type === "VmProvisioned" ? [event.data.stageDurations] : [],
  );
  return runs.length > 0 ? averageStages(runs) : null;
}
