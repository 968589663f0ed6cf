import { app } from "./app.ts";
import { expireVmActions } from "./commands/expire-vm-actions.ts";
import { sweepOutbox } from "./commands/outbox-relay.ts";
import { workerDeps } from "./deps.ts";
import { siteHub } from "./stubs.ts";

export { AgentHub } from "./agent-hub/agent-hub.ts";
export { RequestProgress } from "./request-progress/request-progress.ts";
export { TenantFeed } from "./tenant-feed/tenant-feed.ts";

/** The production Worker. The local stack runs `edge/dev/dev-worker.ts`, which wraps this one. */
export default {
  fetch: app.fetch,
  // every minute (wrangler.toml [triggers]): re-dispatch jobs whose relay right after the command was not
  // confirmed, and end VM actions that ran past their deadline
  scheduled(controller, env, ctx) {
    const deps = workerDeps(env, { clock: () => new Date(controller.scheduledTime) });
    ctx.waitUntil(sweepOutbox(deps));
    ctx.waitUntil(expireVmActions(deps, (job) => siteHub(env, job.siteId).stopJob(job)));
  },
} satisfies ExportedHandler<Env>;
