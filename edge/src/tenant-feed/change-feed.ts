import type { RequestChange, SiteChange, VmChange } from "@gantry/shared/protocol/change-feed";
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
  /** A VM changed (an action, its steps, drift); its owner and the admins are told. Best effort. */
  publishVm(tenantId: string, change: VmChange): Promise<void>;
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
    async publishVm(tenantId, change) {
      try {
        const published = await tenantFeed(env, tenantId).publishVm(change, { tenantId });
        if (!published.ok)
          logEvent("warn", "change feed refused a VM change", { vmId: change.vmId, ...published.error });
      } catch (error) {
        logEvent("warn", "change feed unreachable", { vmId: change.vmId, error: String(error) });
      }
    },
  };
}

/** Tells each person that their inbox has something new (the bell); best effort, never rejects. */
export async function announceInbox(
  env: Pick<Env, "TENANT_FEED">,
  input: { tenantId: string; recipientIds: readonly string[]; at: string },
): Promise<void> {
  const feed = tenantFeed(env, input.tenantId);
  for (const recipientId of input.recipientIds) {
    try {
      const published = await feed.publishInbox({ recipientId, at: input.at }, { tenantId: input.tenantId });
      if (!published.ok) logEvent("warn", "change feed refused an inbox change", { ...published.error });
    } catch (error) {
      logEvent("warn", "change feed unreachable", { error: String(error) });
    }
  }
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
  input: {
    tenantId: string;
    requestId: string;
    requesterId: string;
    append: StreamAppend;
    /** the version of the request's other stream (its own, or its VM's) as the append found it */
    otherStreamVersion?: number;
  },
): void {
  const change = requestChangeOf(input);
  if (change) deps.defer(() => deps.feed.publish(input.tenantId, change));
}

/**
 * Tells the tenant's feed that a VM's stream moved (in the background, like request changes): its
 * owner's and the admins' open pages refetch what they show of it.
 */
export function announceVmCommitted(
  deps: { feed: ChangeFeed; defer: (work: () => Promise<unknown>) => void },
  input: {
    tenantId: string;
    vmId: string;
    ownerId: string;
    status: VmChange["status"];
    append: StreamAppend;
  },
): void {
  const { append } = input;
  const last = append.events.at(-1);
  if (!last) return;
  const change: VmChange = {
    vmId: input.vmId,
    ownerId: input.ownerId,
    status: input.status,
    version: append.expectedVersion + append.events.length,
    at: last.occurredAt,
  };
  deps.defer(() => deps.feed.publishVm(input.tenantId, change));
}
