import { type Context, Hono } from "hono";
import type { EdgeEnv } from "../env.ts";
import { parseVars } from "../env.ts";
import { countConnectedAgents } from "../tenancy/agent-registry.ts";
import { isLocalDevRequest } from "./local-dev.ts";
import { bearerIsSecret } from "./operator-secret.ts";

/** An operator's view of the edge: answered to the local stack, or with the HEALTHZ_TOKEN secret. */
async function mayReadDetails(c: Context<EdgeEnv>): Promise<boolean> {
  if (isLocalDevRequest(c)) return true;
  return bearerIsSecret(c, parseVars(c.env).HEALTHZ_TOKEN);
}

/**
 * `/healthz`: liveness for anyone, and nothing else (how many agents are connected across all tenants is
 * nobody's business). `/healthz/details`: that the Worker reaches D1 and how many agents are connected,
 * for the local stack (loopback with the dev login on) or an operator holding the HEALTHZ_TOKEN secret;
 * anyone else gets 404, as if it did not exist.
 */
export const healthz = new Hono<EdgeEnv>()
  .get("/", (c) => c.text("ok"))
  .get("/details", async (c) => {
    if (!(await mayReadDetails(c))) return c.notFound();
    const row = await c.env.DB.prepare("SELECT count(*) AS n FROM sqlite_master").first<{ n: number }>();
    return c.json({ ok: true, tables: row?.n ?? 0, agentsConnected: await countConnectedAgents(c.env.DB) });
  });
