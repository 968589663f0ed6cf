import { trpcServer } from "@hono/trpc-server";
import { Hono } from "hono";
import type { EdgeEnv } from "./env.ts";
import { agentRoutes } from "./http/agent-connect.ts";
import { agentReleaseRoutes } from "./http/agent-releases.ts";
import { authRoutes } from "./http/auth-routes.ts";
import { csrfGuard } from "./http/csrf-guard.ts";
import { healthz } from "./http/healthz.ts";
import { onError } from "./http/on-error.ts";
import { progressConnect } from "./http/progress-connect.ts";
import { createContext } from "./trpc/context.ts";
import { logUnexpectedError } from "./trpc/errors.ts";
import { appRouter } from "./trpc/router.ts";

export const app = new Hono<EdgeEnv>();

app.onError(onError);
// state-changing browser routes: JSON only, from an allowed Origin (before the handlers below)
app.use("/trpc/*", csrfGuard());
app.use("/auth/*", csrfGuard());
app.route("/auth", authRoutes);

app.route("/healthz", healthz);
app.route("/agent", agentRoutes);
app.route("/agent", agentReleaseRoutes);
app.route("/progress", progressConnect);
app.use(
  "/trpc/*",
  trpcServer({
    router: appRouter,
    endpoint: "/trpc",
    createContext: (_opts, c) => createContext(c),
    onError: logUnexpectedError,
  }),
);
