import type { RequestChange, SiteChange } from "@gantry/shared/protocol/change-feed";
import type { StreamAppend } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { tenantFeed } from "../stubs.ts";
import { requestChangeOf } from "./request-change.ts";

/** Where use-cases tell a tenant's subscribers that a request's summary changed. */
export interface ChangeFeed {
  /** Best effort: never rejects, whatever the object answers. */
  publish(tenantId: string, change: RequestChange): Promise<void>;
  /** A site's agents, jobs or VMs left in its vCenter changed (admins only); best effort too. */
  publishSite(tenantId: string, site: SiteChange): Promise<void>;
}

/** The TenantFeed objects of this Worker's namespace. */
export function createChangeFeed(env: Pick<Env, "TENANT_FEED">): ChangeFeed {
  return {
    async publish(tenantId, change) {
      try {
        const published = await tenantFeed(env, tenantId).publish(change, { tenantId });
        if (!published.ok)
          logEvent("warn", "change feed refused a change", {
            requestId: change.requestId,
            ...published.error,
          });
      } catch (error) {
        logEvent("warn", "change feed unreachable", { requestId: change.requestId, error: String(error) });
      }
    },
    publishSite: (tenantId, site) => announceSite(env, { tenantId, site }),
  };
}

/**
 * Tells a tenant's admins that a site's agents, job queue or leftover VMs changed; best effort like
 * request changes (the admin pages refetch on reconnect), never rejects.
 */
export async function announceSite(
  env: Pick<Env, "TENANT_FEED">,
  input: { tenantId: string; site: SiteChange },
): Promise<void> {
  try {
    const published = await tenantFeed(env, input.tenantId).publishSite(input.site, {
      tenantId: input.tenantId,
    });
    if (!published.ok)
      logEvent("warn", "change feed refused a site change", {
        siteId: input.site.siteId,
        ...published.error,
      });
  } catch (error) {
    logEvent("warn", "change feed unreachable", { siteId: input.site.siteId, error: String(error) });
  }
}

/**
 * Tells the tenant's feed about an append that already committed, in the background (`defer`, i.e.
 * `waitUntil`): the user's mutation never waits for it and never fails because of it. A notification
 * lost here (the isolate died, the object was unreachable) costs only freshness, never data: the feed
 * is not the source of truth, and clients refetch what they show whenever they (re)connect with a gap.
 */
export function announceCommitted(
  deps: { feed: ChangeFeed; defer: (work: () => Promise<unknown>) => void },
  input: { tenantId: string; requestId: string; requesterId: string; append: StreamAppend },
): void {
  const change = requestChangeOf(input);
  if (change) deps.defer(() => deps.feed.publish(input.tenantId, change));
}
