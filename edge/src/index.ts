import { completeRevocations } from "./agent-hub/revoke-agent.ts";
import { runScheduledScans } from "./agent-hub/scheduled-scans.ts";
import { app } from "./app.ts";
import { deleteSessionsEndedBefore } from "./auth/sessions.ts";
import { enforceLeases } from "./commands/enforce-leases.ts";
import { expireVmActions } from "./commands/expire-vm-actions.ts";
import { sweepOutbox } from "./commands/outbox-relay.ts";
import { rejectPastDeadline } from "./commands/reject-past-deadline.ts";
import { deliveryDeps, notifierDeps, workerDeps } from "./deps.ts";
import { parseVars } from "./env.ts";
import { deadLetters, deliverBatch } from "./notifications/deliver.ts";
import { sweepNotifications } from "./notifications/notification-sweep.ts";
import { siteHub } from "./stubs.ts";
import { actionBudgetSeconds } from "./tenancy/vm-policy.ts";

export { AgentHub } from "./agent-hub/agent-hub.ts";
export { RequestProgress } from "./request-progress/request-progress.ts";
export { TenantFeed } from "./tenant-feed/tenant-feed.ts";

/** Ended and expired sessions stay a day for inspection, then the minute sweep deletes them. */
const SESSION_KEPT_AFTER_END_MS = 24 * 60 * 60 * 1000;

/** The production Worker. The local stack runs `edge/dev/dev-worker.ts`, which wraps this one. */
export default {
  fetch: app.fetch,
  // every minute (wrangler.toml [triggers]): re-dispatch jobs whose relay right after the command was not
  // confirmed (outbox sweeper), end VM actions that ran past their deadline, finish revocations whose hub
  // did not confirm, drop sessions a day past their hard end, and run the lease scheduler (warnings,
  // power-off at expiry, deletion after grace: exact to the minute, see commands/enforce-leases.ts), and sweep
  // notifications
  scheduled(controller, env, ctx) {
    // background work of the sweeps (the lease scheduler's job relays, feed announcements) outlives no
    // invocation: it is handed to waitUntil like the sweeps themselves
    const deps = workerDeps(env, {
      clock: () => new Date(controller.scheduledTime),
      defer: (work) => ctx.waitUntil(work()),
    });
    ctx.waitUntil(sweepOutbox(deps));
    ctx.waitUntil(expireVmActions(deps, (job) => siteHub(env, job.siteId).stopJob(job)));
    ctx.waitUntil(deleteSessionsEndedBefore(env.DB, controller.scheduledTime - SESSION_KEPT_AFTER_END_MS));
    ctx.waitUntil(completeRevocations(env, { now: controller.scheduledTime }));
    // and scan each site with a connected agent for reconciliation when its last scan is an hour old
    ctx.waitUntil(runScheduledScans(env, { now: controller.scheduledTime }));
    ctx.waitUntil(enforceLeases(deps, { actionBudgetSeconds: actionBudgetSeconds(env) }));
    // approval policies: requests pending past their rule's deadline are rejected
    ctx.waitUntil(rejectPastDeadline(deps));
    // notifications: catch up on the log, re-queue lost deliveries, tell admins of offline agents
    ctx.waitUntil(
      sweepNotifications(notifierDeps(env), {
        now: controller.scheduledTime,
        agentOfflineMs: parseVars(env).AGENT_OFFLINE_NOTIFY_MINUTES * 60_000,
      }),
    );
  },
  // the NOTIFICATIONS queue (e-mail, webhooks) and its dead-letter queue (wrangler.toml)
  async queue(batch, env) {
    if (batch.queue.endsWith("-dlq")) await deadLetters(batch, deliveryDeps(env));
    else await deliverBatch(batch, deliveryDeps(env));
  },
} satisfies ExportedHandler<Env>;
