import { app } from "./app.ts";
import { deleteSessionsEndedBefore } from "./auth/sessions.ts";
import { sweepOutbox } from "./commands/outbox-relay.ts";
import { workerDeps } from "./deps.ts";

export { AgentHub } from "./agent-hub/agent-hub.ts";
export { RequestProgress } from "./request-progress/request-progress.ts";
export { TenantFeed } from "./tenant-feed/tenant-feed.ts";

/** Ended and expired sessions stay a day for inspection, then the minute sweep deletes them. */
const SESSION_KEPT_AFTER_END_MS = 24 * 60 * 60 * 1000;

/** The production Worker. The local stack runs `edge/dev/dev-worker.ts`, which wraps this one. */
export default {
  fetch: app.fetch,
  // every minute (wrangler.toml [triggers]): re-dispatch provisioning jobs the approval's relay did not
  // confirm (outbox sweeper), and drop sessions a day past their hard end
  scheduled(controller, env, ctx) {
    ctx.waitUntil(sweepOutbox(workerDeps(env, { clock: () => new Date(controller.scheduledTime) })));
    ctx.waitUntil(deleteSessionsEndedBefore(env.DB, controller.scheduledTime - SESSION_KEPT_AFTER_END_MS));
  },
} satisfies ExportedHandler<Env>;
