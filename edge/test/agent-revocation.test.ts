import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { type RevokingHub, revokeAgent } from "../src/agent-hub/revoke-agent.ts";
import { workerDeps } from "../src/deps.ts";
import worker from "../src/index.ts";
import { markRevoked } from "../src/tenancy/agent-registry.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { helloAgent, hubOf, takeJob } from "./agent-support.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

const caller = createCallerFactory(appRouter);
const as = (principal: TestTenant["admin"]) => caller(createContextInner({ env, principal }));

/** A site hub that cannot be reached: the second step of a revocation fails. */
const unreachableHub: RevokingHub = () => ({
  revokeAgent: () => Promise.reject(new Error("Durable Object reset because its code was updated.")),
});

async function connectedAgent() {
  const t = await createTestTenant(env.DB);
  const { agentId, credential } = await enrollTenantAgent(t);
  const { agent } = await helloAgent(credential);
  return { t, agentId, agent };
}

describe("a revocation that fails halfway", () => {
  it("stays pending with Revoke still offered, and the next agents list finishes it: the agent is cut", async () => {
    const { t, agentId, agent } = await connectedAgent();
    const revoked = await revokeAgent(
      env,
      workerDeps(env),
      { tenantId: t.tenantId, agentId, actor: { kind: "user", id: t.admin.userId } },
      unreachableHub,
    );
    expect(revoked).toEqual({ ok: true, value: { requeued: 0, confirmed: false } });
    // D1 already refuses the credential; the hub was never told, so the socket is still open
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    await agent.next("lease.renewed");

    const list = await as(t.admin).agents.list();
    expect(list).toMatchObject([{ agentId, revoked: true, revocationPending: false, connected: false }]);
    expect((await agent.closed).code).toBe(4001);
  });

  it("is finished by the minute sweep too", async () => {
    const { t, agentId, agent } = await connectedAgent();
    await revokeAgent(
      env,
      workerDeps(env),
      { tenantId: t.tenantId, agentId, actor: { kind: "user", id: t.admin.userId } },
      unreachableHub,
    );
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await agent.closed).code).toBe(4001);
    expect((await as(t.admin).agents.list())[0]).toMatchObject({ revoked: true, revocationPending: false });
  });

  it("keeps Revoke offered while the hub has not confirmed, and a second Revoke finishes it", async () => {
    const { t, agentId, agent } = await connectedAgent();
    await revokeAgent(
      env,
      workerDeps(env),
      { tenantId: t.tenantId, agentId, actor: { kind: "user", id: t.admin.userId } },
      unreachableHub,
    );
    await revokeAgent(
      env,
      workerDeps(env),
      { tenantId: t.tenantId, agentId, actor: { kind: "user", id: t.admin.userId } },
      unreachableHub,
    );
    expect(await as(t.admin).agents.revoke({ agentId })).toEqual({ requeued: 0, confirmed: true });
    expect((await agent.closed).code).toBe(4001);
  });
});

describe("the hub refuses a revoked agent on every frame", () => {
  it("closes a revoked agent's socket on its next frame, whatever closed or did not close it before", async () => {
    const { t, agentId, agent } = await connectedAgent();
    // the hub knows of the revocation, but this socket's close was missed
    await runInDurableObject(hubOf(t.siteId), (_hub: AgentHub, state) => {
      state.storage.sql.exec("UPDATE agents_seen SET revoked = 1 WHERE agent_id = ?", agentId);
    });
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    expect((await agent.closed).code).toBe(4001);
  });

  it("closes an agent D1 says is revoked at its next presence refresh, even if its hub was never told", async () => {
    const { t, agentId, agent } = await connectedAgent();
    await markRevoked(env.DB, { agentId, revokedBy: t.admin.userId, now: Date.now() }).run();
    // its presence is due for a refresh
    await runInDurableObject(hubOf(t.siteId), (_hub: AgentHub, state) => {
      state.storage.sql.exec("UPDATE agents_seen SET presence_at = 1 WHERE agent_id = ?", agentId);
    });
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    expect((await agent.closed).code).toBe(4001);
  });

  it("puts the revoked agent's jobs back in the queue when the revocation completes", async () => {
    const t = await createTestTenant(env.DB);
    const { agentId, credential } = await enrollTenantAgent(t);
    const { agent } = await helloAgent(credential);
    await hubOf(t.siteId).enqueueJob({
      tenantId: t.tenantId,
      siteId: t.siteId,
      job: {
        kind: "provision-vm",
        jobId: `job-${t.tenantId}`,
        requestId: `req-${t.tenantId}`,
        tenantSlug: t.tenantId,
        projectSlug: "app",
        vmName: "app-revoked",
        hostname: "revoked",
        cpu: 2,
        memoryMb: 2048,
        diskGb: 20,
        networkPath: "/DC0/network/DC0_DVPG0",
        placement: {
          datacenterPath: "/DC0",
          templatePath: "/DC0/vm/t",
          folderPath: "/DC0/vm",
          poolPath: "/DC0/host/DC0_C0",
        },
        annotation: "test",
      },
    });
    await takeJob(agent, `job-${t.tenantId}`);
    await revokeAgent(
      env,
      workerDeps(env),
      { tenantId: t.tenantId, agentId, actor: { kind: "user", id: t.admin.userId } },
      unreachableHub,
    );
    await as(t.admin).agents.list();
    expect((await agent.closed).code).toBe(4001);
    expect(await hubOf(t.siteId).jobStatus(`job-${t.tenantId}`)).toMatchObject({
      state: "queued",
      agentId: null,
    });
  });
});
