import type { ReachedStage } from "@gantry/shared/events/vm";
import { logEvent } from "../log.ts";
import { siteHub } from "../stubs.ts";

/**
 * The stages after the first that a running job's site hub holds (its outcome carries them into the
 * log), for a page that shows the run in flight. A hub that cannot answer costs those stages on this
 * read only: the page still shows what the log holds, and the live progress shows the rest.
 */
export async function heldStagesOf(
  env: Env,
  job: { siteId: string; jobId: string },
): Promise<ReachedStage[]> {
  try {
    return (await siteHub(env, job.siteId).jobStatus(job.jobId))?.stagesReached ?? [];
  } catch (error) {
    logEvent("warn", "held stages unavailable", { jobId: job.jobId, error: String(error) });
    return [];
  }
}
