import { parseVars } from "../env.ts";
import { logEvent } from "../log.ts";
import { sitesDueForScan } from "../projections/reconciliation-projection.ts";
import { siteHub } from "../stubs.ts";

/** Sites asked per cron minute at most: a large tenant base is scanned over several minutes. */
const SITES_PER_MINUTE = 25;

/**
 * The schedule of reconciliation (the Worker's minute cron): each site with a connected agent whose last
 * scan is older than RECONCILE_INTERVAL_SECONDS is scanned by its hub. A site whose agents cannot scan
 * (older than protocol 4) answers AGENT_TOO_OLD and is asked again the next minute, at the cost of one
 * hub call. Never throws.
 */
export async function runScheduledScans(env: Env, input: { now: number }): Promise<void> {
  try {
    const interval = parseVars(env).RECONCILE_INTERVAL_SECONDS * 1000;
    const due = await sitesDueForScan(env.DB, {
      finishedBefore: new Date(input.now - interval).toISOString(),
      limit: SITES_PER_MINUTE,
    });
    await Promise.all(
      due.map(async (siteId) => {
        const scanned = await siteHub(env, siteId).scanSite("schedule");
        if (!scanned.ok) logEvent("info", "scheduled scan not run", { siteId, ...scanned.error });
      }),
    );
  } catch (error) {
    logEvent("warn", "scheduled scans failed", { error: String(error) });
  }
}
