import type { RequestChange } from "@gantry/shared/protocol/request-changes";
import { logEvent } from "../agents/log.ts";
import type { StreamAppend } from "../event-store/stored-event.ts";
import { tenantFeed } from "./feed-subscriber.ts";
import { requestChangeOf } from "./request-change.ts";

/** Where use-cases tell a tenant's subscribers that a request's summary changed. */
export interface ChangeFeed {
  /** Best effort: never rejects, whatever the object answers. */
  publish(tenantId: string, change: RequestChange): Promise<void>;
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
  };
}

/** For code paths that must not notify anyone (projection rebuilds, benchmarks). */
export const silentChangeFeed: ChangeFeed = { publish: async () => {} };

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
