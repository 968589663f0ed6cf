import { app } from "./app.ts";

export { AgentHub } from "./durable-objects/agent-hub.ts";
export { RequestProgress } from "./durable-objects/request-progress.ts";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
