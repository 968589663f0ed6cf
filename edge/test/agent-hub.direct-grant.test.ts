import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DIRECT_GRANT_PROTOCOL } from "@gantry/shared/protocol/version";
import { describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import {
  enrolledAgent,
  expireDeadlines,
  freshSite,
  helloAgent,
  hubOf,
  takeJob,
  testJob,
} from "./agent-support.ts";

// Protocol 5: the hub grants a job (lease included) in one frame to an agent that has room, without the
// offer → accept round trip; the agent may give it back ("refused"). Older agents are still offered jobs.

const v5 = { protocols: [DIRECT_GRANT_PROTOCOL, 4, 3, 2, 1] };

describe("AgentHub direct grants", () => {
  it("grants a queued job to a protocol-5 agent with room in one frame, and offers it to an older one", async () => {
    const siteId = freshSite("direct");
    const { agent, welcome } = await helloAgent((await enrolledAgent(siteId, "new")).credential, v5);
    expect(welcome.protocol).toBe(DIRECT_GRANT_PROTOCOL);
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-direct") });
    const granted = await agent.next("job.granted");
    expect(granted).toMatchObject({
      jobId: "j-direct",
      epoch: 1,
      attempt: 1,
      lastSeq: 0,
      job: { jobId: "j-direct" },
    });
    expect(agent.received.map((f) => f.type)).not.toContain("job.offer");
    expect(await hub.jobStatus("j-direct")).toMatchObject({
      state: "leased",
      agentId: welcome.agentId,
      epoch: 1,
    });

    // a protocol-4 agent of the same site is offered its job and must accept it, as before
    const old = await helloAgent((await enrolledAgent(siteId, "old")).credential, { protocols: [4] });
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-old") });
    expect((await takeJob(old.agent, "j-old")).epoch).toBe(1);
    expect((await hub.status()).counters.leases_granted).toBe(2);
  });

  it("never grants beyond the agent's announced capacity", async () => {
    const siteId = freshSite("direct-cap");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { ...v5, capacity: 1 });
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-dc1") });
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-dc2") });
    expect((await agent.next("job.granted")).jobId).toBe("j-dc1");
    expect(await hub.jobStatus("j-dc2")).toMatchObject({
      state: "queued",
      waiting: { code: "AGENTS_AT_CAPACITY" },
    });
  });

  it("queues a refused grant again, undoes its attempt, and grants it to another agent under a new epoch", async () => {
    const siteId = freshSite("direct-refused");
    const a = await helloAgent((await enrolledAgent(siteId, "a")).credential, { ...v5, capacity: 2 });
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-ref") });
    expect((await a.agent.next("job.granted")).epoch).toBe(1);
    const b = await helloAgent((await enrolledAgent(siteId, "b")).credential, v5);
    a.agent.send({ type: "job.release", jobId: "j-ref", epoch: 1, reason: "refused" });
    await a.agent.next("ack");
    // the refuser is skipped (it has more room than b, so it would be picked first otherwise)
    const regranted = await b.agent.next("job.granted");
    expect(regranted).toMatchObject({ jobId: "j-ref", epoch: 2, attempt: 1 });
    expect(await hub.jobStatus("j-ref")).toMatchObject({ state: "leased", agentId: b.welcome.agentId });
  });

  it("offers, rather than grants, a job to an agent that has not renewed lately (its socket may be half-open)", async () => {
    const siteId = freshSite("direct-quiet");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, v5);
    const hub = hubOf(siteId);
    // its last hello or renewal long ago, as after a silent partition the hub cannot see
    await runInDurableObject(hub, (_hub: AgentHub, state) => {
      state.storage.sql.exec("UPDATE agents_seen SET last_seen_at = 1");
    });
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-quiet") });
    expect((await agent.next("job.offer")).jobId).toBe("j-quiet");
    expect(await hub.jobStatus("j-quiet")).toMatchObject({ state: "offered" });
    // a renewal shows it alive again: the next job is granted at once
    agent.send({ type: "lease.renew", leases: [], capacity: 2, draining: false });
    await agent.next("lease.renewed");
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-alive") });
    expect((await agent.next("job.granted")).jobId).toBe("j-alive");
  });

  it("takes a direct grant back when its lease expires, and grants it again under a new epoch", async () => {
    const siteId = freshSite("direct-expired");
    const { credential } = await enrolledAgent(siteId);
    const first = await helloAgent(credential, v5);
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-dead") });
    await first.agent.next("job.granted");
    first.agent.ws.close(1000, "gone");
    await expireDeadlines(siteId);
    await runDurableObjectAlarm(hub);
    expect(await hub.jobStatus("j-dead")).toMatchObject({ state: "queued", epoch: 1 });
    const second = await helloAgent(credential, v5);
    expect(await second.agent.next("job.granted")).toMatchObject({ jobId: "j-dead", epoch: 2, attempt: 2 });
  });

  it("grants a job a reconnecting agent no longer knows of again under a new epoch", async () => {
    const siteId = freshSite("direct-forgot");
    const { credential } = await enrolledAgent(siteId);
    const first = await helloAgent(credential, v5);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-dforgot") });
    await first.agent.next("job.granted");
    first.agent.ws.close(1000, "restart");
    const second = await helloAgent(credential, v5);
    expect(await second.agent.next("job.granted")).toMatchObject({ jobId: "j-dforgot", epoch: 2 });
  });
});
