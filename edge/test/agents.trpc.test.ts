import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { enroll, helloAgent, hubOf, testJob } from "./agent-support.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { createTestTenant } from "./support/test-tenant.ts";

const caller = createCallerFactory(appRouter);
const as = (principal: Parameters<typeof createContextInner>[0]["principal"]) =>
  caller(createContextInner({ env, principal }));

describe("agents router", () => {
  it("creates a one-hour enrollment token for an admin's site, usable once", async () => {
    const t = await createTestTenant(env.DB);
    const token = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect((await enroll(token.token, "lab")).status).toBe(201);
  });

  it("refuses a member and another tenant's site", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await expect(as(t.member).agents.createEnrollmentToken({ siteId: t.siteId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as(t.admin).agents.createEnrollmentToken({ siteId: other.siteId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("lists the tenant's agents with connection, last seen and jobs in flight", async () => {
    const t = await createTestTenant(env.DB);
    const token = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { credential, agentId } = await (await enroll(token.token, "lab-1")).json<{
      credential: string;
      agentId: string;
    }>();
    const { agent } = await helloAgent(credential);
    await hubOf(t.siteId).enqueueJob({
      tenantId: t.tenantId,
      siteId: t.siteId,
      job: testJob(`j-${t.tenantId}`),
    });
    await agent.next("job.offer");
    const list = await as(t.admin).agents.list();
    expect(list).toEqual([
      expect.objectContaining({
        agentId,
        name: "lab-1",
        siteId: t.siteId,
        connected: true,
        jobsInFlight: 1,
        revoked: false,
      }),
    ]);
    expect(list[0]?.lastSeenAt).not.toBeNull();
  });

  it("revokes an agent of the tenant and says NOT_FOUND for anyone else's", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    const token = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { credential, agentId } = await (await enroll(token.token)).json<{
      credential: string;
      agentId: string;
    }>();
    const { agent } = await helloAgent(credential);
    await expect(as(other.admin).agents.revoke({ agentId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await as(t.admin).agents.revoke({ agentId })).toEqual({ requeued: 0, confirmed: true });
    expect((await agent.closed).code).toBe(4001);
    expect((await as(t.admin).agents.list())[0]).toMatchObject({
      revoked: true,
      revocationPending: false,
      connected: false,
    });
  });

  it("says why a queued job waits", async () => {
    const t = await createTestTenant(env.DB);
    await hubOf(t.siteId).enqueueJob({
      tenantId: t.tenantId,
      siteId: t.siteId,
      job: testJob(`w-${t.tenantId}`),
    });
    const [job] = await as(t.admin).agents.queue({ siteId: t.siteId });
    expect(job?.waitingText).toMatch(/^no agent has connected for site .+ yet$/);
  });

  it("says since when no agent has been connected once the site's last agent left", async () => {
    const t = await createTestTenant(env.DB);
    const jobId = `gone-${t.tenantId}`;
    await hubOf(t.siteId).enqueueJob({ tenantId: t.tenantId, siteId: t.siteId, job: testJob(jobId) });
    const { agent } = await helloAgent((await enrollTenantAgent(t)).credential);
    // offered, never accepted: the disconnect puts it back in the queue
    expect((await agent.next("job.offer")).jobId).toBe(jobId);
    const before = new Date().toISOString();
    agent.ws.close(1000, "bye");
    await agent.closed;
    const after = new Date().toISOString();
    const [job] = await as(t.admin).agents.queue({ siteId: t.siteId });
    expect(job).toMatchObject({ jobId, state: "queued", waiting: { code: "NO_AGENT_CONNECTED" } });
    const since = job?.waitingText?.match(/^no agent connected for site Lab since (\d\d:\d\d) UTC$/)?.[1];
    expect([before.slice(11, 16), after.slice(11, 16)]).toContain(since);
  });
});
