import { revalidate } from "@solidjs/router";
import { type Accessor, createSignal, onCleanup } from "solid-js";
import { errorCode } from "./api-errors.ts";
import { type FeedViewer, refreshFor } from "./change-refresh.ts";
import type { FeedConnection, SubscribeChanges } from "./make-change-subscription.ts";
import { makeRefreshThrottle } from "./make-refresh-throttle.ts";
import { getInbox, getUnreadCount } from "./notification-queries.ts";
import {
  getAgents,
  getLeftovers,
  getMyRequests,
  getPendingApprovals,
  getPendingCount,
  getPendingResizes,
  getReconciliation,
  getRequest,
  getSiteQueue,
  getVm,
  getVms,
} from "./queries.ts";
import { trpc } from "./trpc.ts";
import { trpcStream } from "./trpc-stream.ts";

const subscribeChanges: SubscribeChanges = trpcStream((input, handlers) =>
  trpc.requests.changes.subscribe(input, handlers),
);

const FATAL = new Set(["UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST"]);

/** A change pushed within this long of the last refresh waits for the end of it, merged with others. */
const REFRESH_INTERVAL_MS = 250;

/**
 * Push, don't poll: the signed-in user's request changes (tRPC `requests.changes`) revalidate exactly the
 * cached reads they make stale — that request's detail, the user's own list when the request is theirs,
 * an admin's approval queue and its count when a request entered or left it, and (admins only) a site's agents and
 * job queue when its hub says they changed. Only reads on screen refetch; the rest are marked stale.
 * Whenever the stream starts without a replay (on connect, or a resume the feed could not serve), what
 * is on screen is refetched once, since the feed is not the source of truth. Closes with the owner
 * (sign-out unmounts the signed-in layout).
 * @returns the connection state, for tests and for anyone who wants to show it
 */
export function createRequestChanges(viewer: Accessor<FeedViewer>): Accessor<FeedConnection> {
  const [connection, setConnection] = createSignal<FeedConnection>("connecting");
  const throttle = makeRefreshThrottle({
    intervalMs: REFRESH_INTERVAL_MS,
    refresh: (keys) => void revalidate(keys),
  });
  let closed = false;
  let subscription: { close(): void } | null = null;
  // the keeper validates frames with zod, which the first page load does without: it comes right after
  void import("./make-change-subscription.ts").then(({ makeChangeSubscription }) => {
    if (closed) return;
    subscription = makeChangeSubscription({
      subscribe: subscribeChanges,
      isFatal: (error) => FATAL.has(errorCode(error) ?? ""),
      onChange: (change) => {
        const refresh = refreshFor(change, viewer());
        throttle.request([
          getRequest.keyFor(refresh.requestId),
          ...(refresh.myRequests ? [getMyRequests.key] : []),
          ...(refresh.approvals ? [getPendingApprovals.key, getPendingCount.key] : []),
          ...(refresh.leftovers ? [getLeftovers.key] : []),
        ]);
      },
      // a VM frame: that VM's page and the VM lists (My VMs, an admin's) refetch what they show
      onVm: (vm) =>
        throttle.request([
          getVm.keyFor(vm.vmId),
          getVms.key,
          ...(viewer().role === "admin" ? [getPendingResizes.key] : []),
        ]),
      // the bell and the inbox page: a new notification for this person
      onInbox: () => throttle.request([getUnreadCount.key, getInbox.key]),
      // a site's agents, queue, leftovers or (after a scan) its reconciliation changed
      onSite: (site) =>
        throttle.request([
          getAgents.key,
          getSiteQueue.keyFor(site.siteId),
          getLeftovers.key,
          getReconciliation.keyFor(site.siteId),
        ]),
      onSync: () => {
        const admin = viewer().role === "admin";
        const lists = admin
          ? [
              getPendingApprovals.key,
              getPendingCount.key,
              getPendingResizes.key,
              getAgents.key,
              getSiteQueue.key,
              getLeftovers.key,
              getReconciliation.key,
            ]
          : [];
        throttle.request([
          getMyRequests.key,
          getRequest.key,
          getVms.key,
          getVm.key,
          getUnreadCount.key,
          getInbox.key,
          ...lists,
        ]);
      },
      onConnection: setConnection,
    });
  });
  onCleanup(() => {
    closed = true;
    subscription?.close();
    throttle.close();
  });
  return connection;
}
