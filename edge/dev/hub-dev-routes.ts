import { AgentJob } from "@gantry/shared/protocol/agent";
import { Hono } from "hono";
import { z } from "zod";
import { revokeAgent } from "../src/agent-hub/revoke-agent.ts";
import { workerDeps } from "../src/deps.ts";
import type { EdgeEnv } from "../src/env.ts";
import { siteHub } from "../src/stubs.ts";
import { placeOfAgent } from "../src/tenancy/agent-registry.ts";

const DevEnqueue = z.object({ tenantId: z.string().min(1), siteId: z.string().min(1), job: AgentJob });

/**
 * `/agent/dev/*`: the local stack's and the process tests' way to a site's hub without the request
 * workflow (enqueue a job, read a job's or the hub's status and the cached inventory, revoke an agent).
 */
export const hubDevRoutes = new Hono<EdgeEnv>()
  .post("/enqueue", async (c) => {
    const body = DevEnqueue.safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      return c.json({ error: "INVALID_REQUEST", issues: body.error.issues.map((i) => i.message) }, 400);
    const hub = siteHub(c.env, body.data.siteId);
    return c.json(await hub.enqueueJob(body.data));
  })
  .get("/sites/:siteId/status", async (c) => {
    const hub = siteHub(c.env, c.req.param("siteId"));
    const jobId = c.req.query("jobId");
    return c.json(jobId ? await hub.jobStatus(jobId) : await hub.status());
  })
  .get("/sites/:siteId/inventory", async (c) => {
    const hub = siteHub(c.env, c.req.param("siteId"));
    return c.json(await hub.inventory());
  })
  .post("/agents/:agentId/revoke", async (c) => {
    const agentId = c.req.param("agentId");
    const place = await placeOfAgent(c.env.DB, { agentId });
    if (!place) return c.json({ error: "AGENT_NOT_FOUND" }, 404);
    const revoked = await revokeAgent(c.env, workerDeps(c.env), {
      tenantId: place.tenantId,
      agentId,
      actor: { kind: "system", id: "dev", name: "local stack" },
    });
    return c.json(revoked);
  });
