import { Hono } from "hono";
import { z } from "zod";
import { handoffRequest } from "../agent-hub/handoff.ts";
import type { EdgeEnv } from "../env.ts";
import { siteHub } from "../stubs.ts";
import { authenticateAgent } from "../tenancy/authenticate-agent.ts";
import { enrollAgent } from "../tenancy/enrollment.ts";

const EnrollBody = z.object({
  token: z.string().min(1).max(200),
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/, "letters, digits, dot, dash and underscore only"),
});

/**
 * The agent's two HTTP routes. `POST /agent/enroll` swaps a one-time token for a credential;
 * `GET /agent/connect` authenticates the bearer credential against D1 and hands the upgrade to the
 * site's AgentHub, which trusts the identity because only this Worker can reach it.
 */
export const agentRoutes = new Hono<EdgeEnv>()
  .post("/enroll", async (c) => {
    const body = EnrollBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      return c.json({ error: "INVALID_REQUEST", issues: body.error.issues.map((i) => i.message) }, 400);
    const enrolled = await enrollAgent(c.env.DB, { ...body.data, now: Date.now() });
    if (!enrolled.ok)
      return c.json(
        { error: enrolled.error.code, message: "enrollment token invalid, used or expired" },
        401,
      );
    const { agentId, siteId, tenantId, name, credential } = enrolled.value;
    return c.json({ agentId, siteId, tenantId, name, credential }, 201);
  })
  .get("/connect", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
      return c.text("expected a WebSocket upgrade", 426);
    const who = await authenticateAgent(c.env.DB, c.req.header("Authorization"));
    if (!who.ok) return c.json({ error: who.error.code }, 401);
    const hub = siteHub(c.env, who.value.siteId);
    return hub.fetch(handoffRequest(c.req.url, c.req.raw, who.value));
  });
