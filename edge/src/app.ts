import { MAX_TRPC_BATCH_SIZE } from "@gantry/shared/api/limits";
import { trpcServer } from "@hono/trpc-server";
import { Hono } from "hono";
import type { EdgeEnv } from "./env.ts";
import { agentRoutes } from "./http/agent-connect.ts";
import { agentReleaseRoutes } from "./http/agent-releases.ts";
import { apiTokenLimit } from "./http/api-token-limit.ts";
import { auditExportRoutes } from "./http/audit-export.ts";
import { authRoutes } from "./http/auth-routes.ts";
import { csrfGuard } from "./http/csrf-guard.ts";
import { healthz } from "./http/healthz.ts";
import { onError } from "./http/on-error.ts";
import { opsRoutes } from "./http/ops-routes.ts";
import { progressConnect } from "./http/progress-connect.ts";
import { securityHeadersMiddleware } from "./http/security-headers.ts";
import { createContext } from "./trpc/context.ts";
import { logUnexpectedError } from "./trpc/errors.ts";
import { appRouter } from "./trpc/router.ts";

export const app = new Hono<EdgeEnv>();

app.onError(onError);
// first, so every answer gets them: routes, 404s and errors alike
app.use("*", securityHeadersMiddleware());
// state-changing browser routes: JSON only, from an allowed Origin (before the handlers below)
app.use("/trpc/*", csrfGuard());
app.use("/auth/*", csrfGuard());
app.use("/trpc/*", apiTokenLimit());
app.route("/auth", authRoutes);

app.route("/healthz", healthz);
app.route("/ops", opsRoutes);
app.route("/exports", auditExportRoutes);
app.route("/agent", agentRoutes);
app.route("/agent", agentReleaseRoutes);
app.route("/progress", progressConnect);
app.use(
  "/trpc/*",
  trpcServer({
    router: appRouter,
    endpoint: "/trpc",
    // a larger batch is refused (400) before any of its calls runs
    maxBatchSize: MAX_TRPC_BATCH_SIZE,
    createContext: (_opts, c) => createContext(c),
    onError: logUnexpectedError,
  }),
);
