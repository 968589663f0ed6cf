import { app } from "./app.ts";
import { createJobDispatcher } from "./commands/hub-dispatcher.ts";
import { sweepOutbox } from "./commands/outbox-relay.ts";

export { AgentHub } from "./agent-hub/agent-hub.ts";
export { RequestProgress } from "./request-progress/request-progress.ts";
export { TenantFeed } from "./tenant-feed/tenant-feed.ts";

export default {
  fetch: app.fetch,
  // every minute (wrangler.toml [triggers]): re-dispatch provisioning jobs the approval's relay did not confirm
  scheduled(controller, env, ctx) {
    const deps = {
      db: env.DB,
      dispatcher: createJobDispatcher(env),
      clock: () => new Date(controller.scheduledTime),
    };
    ctx.waitUntil(sweepOutbox(deps));
  },
} satisfies ExportedHandler<Env>;
