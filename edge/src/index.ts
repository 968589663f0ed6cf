import { completeRevocations } from "./agent-hub/revoke-agent.ts";
import { app } from "./app.ts";
import { sweepOutbox } from "./commands/outbox-relay.ts";
import { workerDeps } from "./deps.ts";

export { AgentHub } from "./agent-hub/agent-hub.ts";
export { RequestProgress } from "./request-progress/request-progress.ts";
export { TenantFeed } from "./tenant-feed/tenant-feed.ts";

/** The production Worker. The local stack runs `edge/dev/dev-worker.ts`, which wraps this one. */
export default {
  fetch: app.fetch,
  // every minute (wrangler.toml [triggers]): re-dispatch provisioning jobs the approval's relay did not
  // confirm, and finish revocations whose hub did not confirm
  scheduled(controller, env, ctx) {
    ctx.waitUntil(sweepOutbox(workerDeps(env, { clock: () => new Date(controller.scheduledTime) })));
    ctx.waitUntil(completeRevocations(env, { now: controller.scheduledTime }));
  },
} satisfies ExportedHandler<Env>;
