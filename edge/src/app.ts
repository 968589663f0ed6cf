import { trpcServer } from "@hono/trpc-server";
import { Hono } from "hono";
import type { EdgeEnv } from "./app-env.ts";
import { agentRoutes } from "./http/agent-connect.ts";
import { healthz } from "./http/healthz.ts";
import { createContext } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";

export const app = new Hono<EdgeEnv>();

app.route("/healthz", healthz);
app.route("/agent", agentRoutes);
app.use(
  "/trpc/*",
  trpcServer({
    router: appRouter,
    endpoint: "/trpc",
    createContext: (_opts, c) => createContext(c),
  }),
);
