import { logEvent } from "../log.ts";
import { announceSite } from "../tenant-feed/change-feed.ts";
import type { HubContext } from "./hub-context.ts";
import { type HubStatus, hubStatus } from "./hub-status.ts";
import { readMeta } from "./hub-storage.ts";

/**
 * What the agents page shows of a hub, as a comparable string: who is connected with which version and
 * load, and each active job's state and wait reason. Times that move with every heartbeat (last seen,
 * lease expiry) are left out, so renewals alone never look like a change.
 */
export function visibleState(status: Pick<HubStatus, "agents" | "jobs">): string {
  return JSON.stringify({
    agents: status.agents.map((a) => [
      a.agentId,
      a.name,
      a.version,
      a.connected,
      a.draining,
      a.jobsInFlight,
      a.duplicateConnection?.alertAt ?? null,
    ]),
    jobs: status.jobs.map((j) => [j.jobId, j.requestId, j.state, j.agentId, j.attempt, j.waiting]),
  });
}

// A busy site changes many times a second (every stage of every job); the page needs the latest state,
// not each step, so checks closer together than this are folded into one at the end of the interval.
const CHECK_INTERVAL_MS = 1000;

/**
 * Tells the tenant's admins (through the TenantFeed) when what the agents page shows of this site
 * changed, so the page needs no timer. The last announced state lives in memory only: after hibernation
 * the first check announces once more, which costs an open agents page one refetch.
 */
export class SiteAnnouncer {
  readonly #hub: HubContext;
  #last: string | null = null;
  #lastCheckAt = Number.NEGATIVE_INFINITY;
  #pending: ReturnType<typeof setTimeout> | null = null;

  constructor(hub: HubContext) {
    this.#hub = hub;
  }

  /**
   * Runs after every dispatch; never throws, never waits for the feed. A lone change is checked at
   * once; a burst costs one status computation per interval (it reads every active job), not one per frame.
   */
  check(): void {
    if (this.#pending !== null) return;
    const wait = this.#lastCheckAt + CHECK_INTERVAL_MS - this.#hub.now();
    if (wait <= 0) {
      this.#checkNow();
      return;
    }
    this.#pending = setTimeout(() => {
      this.#pending = null;
      this.#checkNow();
    }, wait);
  }

  #checkNow(): void {
    this.#lastCheckAt = this.#hub.now();
    try {
      const tenantId = readMeta(this.#hub.sql, "tenant_id");
      const siteId = readMeta(this.#hub.sql, "site_id");
      if (!tenantId || !siteId) return;
      const state = visibleState(hubStatus(this.#hub));
      if (state === this.#last) return;
      this.#last = state;
      const at = new Date(this.#hub.now()).toISOString();
      this.#hub.ctx.waitUntil(announceSite(this.#hub.env, { tenantId, site: { siteId, at } }));
    } catch (error) {
      logEvent("warn", "site change not announced", { error: String(error) });
    }
  }
}
