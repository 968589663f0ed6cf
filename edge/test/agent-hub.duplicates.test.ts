import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { connectAgent, helloAgent, hubOf, takeJob, testJob } from "./agent-support.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

// One live connection per agent credential (agent-hub/duplicate-connections.ts): a copied credential
// cannot take over a live agent's jobs, and two copies running at once are an alert an admin sees.

const caller = createCallerFactory(appRouter);
const as = (principal: TestTenant["admin"]) => caller(createContextInner({ env, principal }));

/** A second copy of the agent says hello, as a thief with the credential would. */
async function secondHello(credential: string) {
  const thief = await connectAgent(credential);
  thief.send({
    type: "hello",
    agent: { version: "0.1.0-thief" },
    protocols: [1],
    capacity: 4,
    draining: false,
    running: [],
  });
  return thief;
}

/** As if the agent had not been heard from for two renew intervals (a socket left half-open). */
const quiet = (siteId: string) =>
  runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    state.storage.sql.exec("UPDATE agents_seen SET last_seen_at = last_seen_at - 60000");
  });

const renew = async (agent: Awaited<ReturnType<typeof helloAgent>>["agent"]) => {
  agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
  await agent.next("lease.renewed");
};

describe("a second live connection of one agent credential", () => {
  it("is refused; the live one keeps its lease; its next renewal raises the alert (audit, agents page)", async () => {
    const t = await createTestTenant(env.DB);
    const { agentId, credential } = await enrollTenantAgent(t);
    const { agent: real } = await helloAgent(credential);
    await hubOf(t.siteId).enqueueJob({ tenantId: t.tenantId, siteId: t.siteId, job: testJob("j-dup") });
    await takeJob(real, "j-dup");

    const thief = await secondHello(credential);
    expect(await thief.next("error")).toMatchObject({ code: "TRY_AGAIN" });
    expect((await thief.closed).code).toBe(1008);
    expect(thief.received.some((f) => f.type === "welcome" || f.type === "job.offer")).toBe(false);
    expect(await hubOf(t.siteId).jobStatus("j-dup")).toMatchObject({ state: "leased", agentId, epoch: 1 });

    // both were live at once: the real agent, renewing, proves it
    await renew(real);
    const audit = (await as(t.admin).audit.list({ limit: 10 })).items;
    expect(audit.find((e) => e.action === "AGENT_DUPLICATE_CONNECTION")).toMatchObject({
      subject: { kind: "agent", id: agentId },
      actor: { id: "agent-hub" },
      summary: expect.stringContaining("1 attempt(s)"),
    });
    const listed = (await as(t.admin).agents.list()).find((a) => a.agentId === agentId);
    expect(listed).toMatchObject({ connected: true, duplicateConnection: { refusedFrom: "unknown" } });

    // more refusals within the spacing add up quietly: one audit entry, not one per retry
    const again = await secondHello(credential);
    await again.closed;
    await renew(real);
    expect(
      (await as(t.admin).audit.list({ limit: 10 })).items.filter(
        (e) => e.action === "AGENT_DUPLICATE_CONNECTION",
      ),
    ).toHaveLength(1);
    expect((await hubOf(t.siteId).status()).counters).toMatchObject({
      connections_refused_duplicate: 2,
      duplicate_connection_alerts: 1,
    });
  });

  it("gets in when the older connection went quiet (a restart after a cut), with no alert", async () => {
    const t = await createTestTenant(env.DB);
    const { agentId, credential } = await enrollTenantAgent(t);
    const first = await helloAgent(credential);
    // the restarted agent tries while the old socket still looks live: refused, it retries later
    const early = await secondHello(credential);
    expect((await early.closed).code).toBe(1008);
    await quiet(t.siteId);
    const restarted = await helloAgent(credential);
    expect(restarted.welcome.agentId).toBe(agentId);
    expect((await first.agent.closed).code).toBe(4009);
    await renew(restarted.agent);
    expect((await as(t.admin).audit.list({ limit: 10 })).items.map((e) => e.action)).not.toContain(
      "AGENT_DUPLICATE_CONNECTION",
    );
    expect(
      (await as(t.admin).agents.list()).find((a) => a.agentId === agentId)?.duplicateConnection,
    ).toBeNull();
  });
});
