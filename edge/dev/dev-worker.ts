import { Hono } from "hono";
import type { EdgeEnv } from "../src/env.ts";
import { securityHeadersMiddleware } from "../src/http/security-headers.ts";
import production from "../src/index.ts";
import { devBenchRoutes } from "./dev-bench.ts";
import { devCeilingRoutes } from "./dev-ceiling.ts";
import { hubDevRoutes } from "./hub-dev-routes.ts";
import { localDevGuard } from "./local-dev-guard.ts";
import { releaseDevRoutes } from "./release-dev-routes.ts";

export { AgentHub, RequestProgress, TenantFeed } from "../src/index.ts";

/**
 * The Worker the local stack (`npm run dev`, the process tests, `npm run bench`) runs: the production
 * Worker, unchanged, plus the dev-only routes under `/agent/dev/*`. It lives outside `edge/src`, so the
 * production bundle (wrangler.toml's `main`) never contains it; a test builds that bundle to prove it.
 */
const dev = new Hono<EdgeEnv>()
  .use("/agent/dev/*", securityHeadersMiddleware())
  // before the guard below: release files are raw bytes, not JSON (the route checks host and Origin itself)
  .route("/agent/dev/releases", releaseDevRoutes)
  .use("/agent/dev/*", localDevGuard())
  .route("/agent/dev/bench", devBenchRoutes)
  .route("/agent/dev/ceiling", devCeilingRoutes)
  .route("/agent/dev", hubDevRoutes)
  // everything else, and any /agent/dev path no dev route answers, is the production Worker's
  .all("*", (c) => production.fetch(c.req.raw, c.env, c.executionCtx));

export default {
  fetch: dev.fetch,
  scheduled: production.scheduled,
  queue: production.queue,
} satisfies ExportedHandler<Env>;
