import { type CommandDeps, createCommandDeps, type DispatchDeps } from "./commands/command-deps.ts";
import { JobDispatchError, type JobDispatcher } from "./commands/job-dispatcher.ts";
import { parseVars } from "./env.ts";
import type { EventStore } from "./event-store/append-to-stream.ts";
import { logEvent } from "./log.ts";
import type { DeliveryDeps } from "./notifications/deliver.ts";
import type { DeliveryQueue } from "./notifications/delivery-queue.ts";
import { notifiesOfAny } from "./notifications/notification-rules.ts";
import {
  isolateNotifierProgress,
  type NotifierDeps,
  runNotifier,
  wakeNotifier,
} from "./notifications/notifier.ts";
import { emailSender, webhookSender } from "./notifications/senders.ts";
import { resolveOverHttps } from "./notifications/webhook-url.ts";
import { siteHub } from "./stubs.ts";
import { type ReadSiteInventory, withoutUplinks } from "./tenancy/site-inventory.ts";
import { announceInbox, createChangeFeed } from "./tenant-feed/change-feed.ts";

// The one place the edge's collaborators are built from the Worker's bindings: a Worker request
// (trpc/context.ts), the scheduled sweep (index.ts) and the AgentHub each take theirs from here.

/**
 * How jobs reach agents: the site's AgentHub, whose `enqueueJob` is idempotent by job id (the outbox
 * relays at least once).
 */
export function hubJobDispatcher(env: Pick<Env, "AGENT_HUB">): JobDispatcher {
  return {
    async dispatch(input) {
      const result = await siteHub(env, input.siteId).enqueueJob(input);
      if (!result.ok) {
        throw new JobDispatchError(`hub refused job ${input.job.jobId}: ${result.error.message}`, {
          retryable: false,
        });
      }
    },
    capabilities: (siteId) => siteHub(env, siteId).capabilities(),
  };
}

/** A Worker's commands: the log, the tenant feeds, and the hubs to hand approved jobs to. */
export function workerDeps(
  env: Env,
  options: { defer?: (work: () => Promise<unknown>) => void; clock?: () => Date } = {},
): DispatchDeps {
  const deps = createCommandDeps({ db: env.DB, feed: createChangeFeed(env), ...options });
  return { ...deps, store: notifyingAfterCommit(env, deps), dispatcher: hubJobDispatcher(env) };
}

/** The AgentHub's commands (recording what agents report): it dispatches no jobs, so it gets no dispatcher. */
export const hubDeps = (env: Env): CommandDeps => {
  const deps = createCommandDeps({ db: env.DB, feed: createChangeFeed(env) });
  return { ...deps, store: notifyingAfterCommit(env, deps) };
};

/** The notification process manager's collaborators: the log, the delivery queue, the bell. */
export const notifierDeps = (env: Pick<Env, "DB" | "NOTIFICATIONS" | "TENANT_FEED">): NotifierDeps => ({
  db: env.DB,
  queue: env.NOTIFICATIONS as DeliveryQueue,
  clock: () => new Date(),
  progress: isolateNotifierProgress,
  announceInbox: (tenantId, recipientIds) =>
    announceInbox(env, { tenantId, recipientIds, at: new Date().toISOString() }),
});

/** The NOTIFICATIONS queue consumer's collaborators: the delivery table and one sender per channel. */
export function deliveryDeps(env: Env): DeliveryDeps {
  const vars = parseVars(env);
  const clock = () => new Date();
  return {
    db: env.DB,
    clock,
    retryBaseSeconds: vars.NOTIFY_RETRY_BASE_SECONDS,
    send: {
      email: emailSender({
        email: env.EMAIL,
        from: { email: vars.NOTIFY_FROM, name: vars.NOTIFY_FROM_NAME },
        appUrl: vars.APP_URL,
      }),
      webhook: webhookSender({
        db: env.DB,
        appUrl: vars.APP_URL,
        allowLoopback: vars.WEBHOOK_LOOPBACK,
        resolve: resolveOverHttps,
        clock,
      }),
    },
  };
}

/**
 * A commit of an event some notification rule knows wakes the notifier in the background (push, not a
 * poll): it reads what is new after its checkpoint. Other commits (an agent's stage frames, most of all)
 * wake nothing: they have nothing to notify, and what an earlier wake-up missed the next relevant commit
 * or the minute cron catches up on, so a lost wake-up costs at most a minute. Wake-ups during a run fold
 * into it (`wakeNotifier`).
 */
function notifyingAfterCommit(env: Env, deps: CommandDeps): EventStore {
  const { store } = deps;
  const wake = () =>
    deps.defer(() =>
      wakeNotifier(() =>
        runNotifier(notifierDeps(env)).catch((error: unknown) =>
          logEvent("warn", "notifier run failed; the minute cron retries", { error: String(error) }),
        ),
      ),
    );
  return {
    async commit(input) {
      const result = await store.commit(input);
      if (result.ok && notifiesOfAny(input.appends.flatMap((a) => a.events))) wake();
      return result;
    },
    async append(streamId, expectedVersion, events) {
      const result = await store.append(streamId, expectedVersion, events);
      if (result.ok && notifiesOfAny(events)) wake();
      return result;
    },
  };
}

/** A site's cached inventory, from its hub. */
export const readSiteInventory =
  (env: Pick<Env, "AGENT_HUB">): ReadSiteInventory =>
  async (siteId) =>
    withoutUplinks(await siteHub(env, siteId).inventory());
