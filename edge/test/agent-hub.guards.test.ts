import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attachFacts, factsOf } from "../src/agent-hub/agent-sockets.ts";
import { countConnectedAgents, PRESENCE_REFRESH_MS } from "../src/tenancy/agent-registry.ts";
import { connectAgent, enrolledAgent, freshSite, helloAgent, hubOf } from "./agent-support.ts";

describe("AgentHub guards", () => {
  it("closes a socket that floods the hub with 1008 and counts it", async () => {
    const siteId = freshSite("flood");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    // far beyond the burst, and cheap to handle, so even a slow runner cannot refill the bucket in time
    for (let i = 0; i < 1000; i++) agent.sendRaw(`{"v":1,"id":"f${i}","type":"noise"}`);
    expect((await agent.closed).code).toBe(1008);
    expect((await hubOf(siteId).status()).counters.frames_rate_limited).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it("closes a socket that never says hello once its deadline passed", async () => {
    const siteId = freshSite("nohello");
    const agent = await connectAgent((await enrolledAgent(siteId)).credential);
    await runInDurableObject(hubOf(siteId), (_hub, state) => {
      for (const ws of state.getWebSockets()) {
        const facts = factsOf(ws);
        if (facts) attachFacts(ws, { ...facts, connectedAt: 0 });
      }
    });
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect((await agent.closed).code).toBe(1008);
  });

  it("keeps a welcomed socket past the hello deadline", async () => {
    const siteId = freshSite("helloed");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await runDurableObjectAlarm(hubOf(siteId));
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    await agent.next("lease.renewed");
  });

  it("stops counting an agent whose presence was not refreshed for two periods", async () => {
    const siteId = freshSite("stale");
    await helloAgent((await enrolledAgent(siteId)).credential);
    const now = Date.now();
    const fresh = await countConnectedAgents(env.DB, now);
    const later = await countConnectedAgents(env.DB, now + 3 * PRESENCE_REFRESH_MS);
    expect(fresh).toBeGreaterThan(later);
  });
});
