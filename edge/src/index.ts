import { app } from "./app.ts";
import { createJobDispatcher } from "./provisioning/dispatcher-factory.ts";
import { sweepOutbox } from "./provisioning/outbox-relay.ts";

export { AgentHub } from "./durable-objects/agent-hub.ts";
export { RequestProgress } from "./durable-objects/request-progress.ts";
export { TenantFeed } from "./durable-objects/tenant-feed.ts";

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
