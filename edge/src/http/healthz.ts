import { Hono } from "hono";
import type { EdgeEnv } from "../env.ts";
import { countConnectedAgents } from "../tenancy/agent-registry.ts";

/** Liveness for operators and the local stack: answers once the Worker and D1 are up. */
export const healthz = new Hono<EdgeEnv>().get("/", async (c) => {
  const row = await c.env.DB.prepare("SELECT count(*) AS n FROM sqlite_master").first<{ n: number }>();
  return c.json({ ok: true, tables: row?.n ?? 0, agentsConnected: await countConnectedAgents(c.env.DB) });
});
