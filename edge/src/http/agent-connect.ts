import { AgentJob } from "@gantry/shared/protocol/agent";
import { Hono } from "hono";
import { z } from "zod";
import { handoffRequest, siteHub } from "../agent-hub/handoff.ts";
import { revokeAgent } from "../agent-hub/revoke-agent.ts";
import type { EdgeEnv } from "../app-env.ts";
import { parseVars } from "../env.ts";
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

// like the dev login: DEV_LOGIN leaking into a deployment still opens nothing off loopback
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

const DevEnqueue = z.object({ tenantId: z.string().min(1), siteId: z.string().min(1), job: AgentJob });

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
  // local stack and process tests only: reach a site's hub without the request workflow. Answers 404
  // unless DEV_LOGIN is on, which production configuration never sets.
  .use("/dev/*", async (c, next) => {
    if (!parseVars(c.env).DEV_LOGIN || !LOOPBACK.has(new URL(c.req.url).hostname)) return c.notFound();
    await next();
  })
  .post("/dev/enqueue", async (c) => {
    const body = DevEnqueue.safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      return c.json({ error: "INVALID_REQUEST", issues: body.error.issues.map((i) => i.message) }, 400);
    const hub = siteHub(c.env, body.data.siteId);
    return c.json(await hub.enqueueJob(body.data));
  })
  .get("/dev/sites/:siteId/status", async (c) => {
    const hub = siteHub(c.env, c.req.param("siteId"));
    const jobId = c.req.query("jobId");
    return c.json(jobId ? await hub.jobStatus(jobId) : await hub.status());
  })
  .get("/dev/sites/:siteId/inventory", async (c) => {
    const hub = siteHub(c.env, c.req.param("siteId"));
    return c.json(await hub.inventory());
  })
  .post("/dev/agents/:agentId/revoke", async (c) => {
    const agentId = c.req.param("agentId");
    const row = await c.env.DB.prepare("SELECT tenant_id FROM agents WHERE id = ?")
      .bind(agentId)
      .first<{ tenant_id: string }>();
    if (!row) return c.json({ error: "AGENT_NOT_FOUND" }, 404);
    const revoked = await revokeAgent(c.env, {
      tenantId: row.tenant_id,
      agentId,
      revokedBy: "dev",
      now: Date.now(),
    });
    return c.json(revoked);
  })
  .get("/connect", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
      return c.text("expected a WebSocket upgrade", 426);
    const who = await authenticateAgent(c.env.DB, c.req.header("Authorization"));
    if (!who.ok) return c.json({ error: who.error.code }, 401);
    const hub = siteHub(c.env, who.value.siteId);
    return hub.fetch(handoffRequest(c.req.url, c.req.raw, who.value));
  });
