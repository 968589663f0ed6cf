import { Hono } from "hono";
import { z } from "zod";
import { handoffRequest } from "../agent-hub/handoff.ts";
import { completeRotation, issueRotatedCredential } from "../commands/agent-credentials.ts";
import { enrollAgent } from "../commands/enroll-agent.ts";
import { workerDeps } from "../deps.ts";
import type { EdgeEnv } from "../env.ts";
import { siteHub } from "../stubs.ts";
import { authenticateAgent } from "../tenancy/authenticate-agent.ts";
import { clientIp, rateLimited } from "./rate-limit.ts";

const EnrollBody = z.object({
  token: z.string().min(1).max(200),
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\w.-]+$/, "letters, digits, dot, dash and underscore only"),
});

/**
 * The agent's HTTP routes. `POST /agent/enroll` swaps a one-time token for a credential; `POST
 * /agent/rotate` swaps a credential for a new one; `GET /agent/connect` authenticates the bearer
 * credential against D1 and hands the upgrade to the site's AgentHub, which trusts the identity because
 * only this Worker can reach it. Each is rate-limited by client IP before it costs a D1 read.
 */
export const agentRoutes = new Hono<EdgeEnv>()
  .post("/enroll", async (c) => {
    const limited = await rateLimited(c, "enroll", [`ip:${clientIp(c)}`]);
    if (limited) return limited;
    const body = EnrollBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      return c.json({ error: "INVALID_REQUEST", issues: body.error.issues.map((i) => i.message) }, 400);
    const enrolled = await enrollAgent(workerDeps(c.env), body.data);
    if (!enrolled.ok && enrolled.error.code === "SITE_ARCHIVED")
      return c.json(
        {
          error: "SITE_ARCHIVED",
          message: "the token's site is archived: it enrolls no agent; ask an admin",
        },
        409,
      );
    if (!enrolled.ok)
      return c.json(
        { error: enrolled.error.code, message: "enrollment token invalid, used, withdrawn or expired" },
        401,
      );
    const { agentId, siteId, tenantId, name, credential } = enrolled.value;
    return c.json({ agentId, siteId, tenantId, name, credential }, 201);
  })
  .post("/rotate", async (c) => {
    const limited = await rateLimited(c, "enroll", [`ip:${clientIp(c)}`]);
    if (limited) return limited;
    const who = await authenticateAgent(c.env.DB, c.req.header("Authorization"));
    if (!who.ok) return c.json({ error: who.error.code }, 401);
    const again = await rateLimited(c, "enroll", [`rotate:${who.value.identity.agentId}`]);
    if (again) return again;
    const credential = await issueRotatedCredential(workerDeps(c.env), who.value.identity);
    return c.json({ agentId: who.value.identity.agentId, credential }, 201);
  })
  .get("/connect", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
      return c.text("expected a WebSocket upgrade", 426);
    const ip = clientIp(c);
    const limited = await rateLimited(c, "agentConnect", [`ip:${ip}`]);
    if (limited) return limited;
    const who = await authenticateAgent(c.env.DB, c.req.header("Authorization"));
    if (!who.ok) return c.json({ error: who.error.code }, 401);
    const { identity, rotatedTo } = who.value;
    // per agent only once the credential proved itself: nobody can spend another agent's budget
    const again = await rateLimited(c, "agentConnect", [`agent:${identity.agentId}`]);
    if (again) return again;
    if (rotatedTo) await completeRotation(workerDeps(c.env), { agent: identity, credentialHash: rotatedTo });
    const hub = siteHub(c.env, identity.siteId);
    return hub.fetch(handoffRequest(c.req.url, c.req.raw, { ...identity, remoteAddress: ip }));
  });
