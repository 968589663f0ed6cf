import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { MAX_AGENT_FRAME_BYTES } from "@gantry/shared/protocol/version";
import { describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import {
  connectAgent,
  enrolledAgent,
  expireDeadlines,
  freshSite,
  helloAgent,
  hubOf,
  takeJob,
  testJob,
} from "./agent-support.ts";

const at = () => new Date().toISOString();

async function counters(siteId: string) {
  return (await hubOf(siteId).status()).counters;
}

describe("AgentHub handshake", () => {
  it("welcomes an agent with the negotiated version and lease timing", async () => {
    const siteId = freshSite("hello");
    const { credential, agentId } = await enrolledAgent(siteId);
    const { welcome } = await helloAgent(credential);
    expect(welcome).toMatchObject({
      protocol: 1,
      agentId,
      siteId,
      leaseTtlMs: 90_000,
      renewIntervalMs: 30_000,
    });
    const status = await hubOf(siteId).status();
    expect(status.agents).toMatchObject([{ agentId, connected: true, capacity: 1, version: "0.1.0-test" }]);
  });

  it("refuses an agent that speaks no common version and closes with 4002", async () => {
    const { credential } = await enrolledAgent(freshSite("version"));
    const agent = await connectAgent(credential);
    agent.send({
      type: "hello",
      agent: { version: "9" },
      protocols: [99],
      capacity: 1,
      draining: false,
      running: [],
    });
    expect(await agent.next("error")).toMatchObject({ code: "UNSUPPORTED_VERSION" });
    expect((await agent.closed).code).toBe(4002);
  });

  it("requires hello before any other frame", async () => {
    const { credential } = await enrolledAgent(freshSite("nohello"));
    const agent = await connectAgent(credential);
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    expect(await agent.next("error")).toMatchObject({ code: "HELLO_REQUIRED" });
  });

  it("reports connected agents in /healthz/details", async () => {
    const { credential } = await enrolledAgent(freshSite("healthz"));
    const before = await (await exports.default.fetch("http://127.0.0.1:8787/healthz/details")).json<{
      agentsConnected: number;
    }>();
    const { agent } = await helloAgent(credential);
    const during = await (await exports.default.fetch("http://127.0.0.1:8787/healthz/details")).json<{
      agentsConnected: number;
    }>();
    expect(during.agentsConnected).toBe(before.agentsConnected + 1);
    agent.ws.close(1000, "bye");
    await expect
      .poll(
        async () =>
          (
            await (
              await exports.default.fetch("http://127.0.0.1:8787/healthz/details")
            ).json<{ agentsConnected: number }>()
          ).agentsConnected,
      )
      .toBe(before.agentsConnected);
  });
});

describe("AgentHub job delivery", () => {
  it("offers a queued job and grants a lease with epoch 1 on accept", async () => {
    const siteId = freshSite("offer");
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    const enqueued = await hubOf(siteId).enqueueJob({
      tenantId: "tenant-a",
      siteId,
      job: testJob("j-offer"),
    });
    expect(enqueued).toMatchObject({ ok: true, value: { status: "queued" } });
    const granted = await takeJob(agent, "j-offer");
    expect(granted).toMatchObject({
      jobId: "j-offer",
      epoch: 1,
      attempt: 1,
      lastSeq: 0,
      job: { jobId: "j-offer" },
    });
  });

  it("enqueues idempotently by job id", async () => {
    const siteId = freshSite("idem");
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-idem") });
    const again = await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-idem") });
    expect(again).toMatchObject({ ok: true, value: { status: "duplicate" } });
    expect((await hub.status()).jobs).toHaveLength(1);
  });

  it("rejects an invalid job spec", async () => {
    const siteId = freshSite("invalid");
    const bad = { ...testJob("j-bad"), cpu: 0 };
    expect(await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: bad })).toMatchObject({
      ok: false,
      error: { code: "INVALID_JOB" },
    });
  });

  it("says why a job waits when no agent is connected", async () => {
    const siteId = freshSite("wait");
    const res = await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-wait") });
    expect(res).toMatchObject({ ok: true, value: { waiting: { code: "NO_AGENT_CONNECTED", since: null } } });
  });

  it("delivers a job queued while no agent was connected when one connects", async () => {
    const siteId = freshSite("later");
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-later") });
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    expect((await takeJob(agent, "j-later")).epoch).toBe(1);
  });

  it("respects each agent's free capacity", async () => {
    const siteId = freshSite("capacity");
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential, { capacity: 1 });
    const hub = hubOf(siteId);
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-c1") });
    await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-c2") });
    await takeJob(agent, "j-c1");
    const second = await hub.jobStatus("j-c2");
    expect(second).toMatchObject({ state: "queued", waiting: { code: "AGENTS_AT_CAPACITY", connected: 1 } });
  });

  it("spreads jobs over several agents by their free capacity, and holds the rest", async () => {
    const siteId = freshSite("spread");
    const small = await helloAgent((await enrolledAgent(siteId, "small")).credential, { capacity: 1 });
    const large = await helloAgent((await enrolledAgent(siteId, "large")).credential, { capacity: 3 });
    const hub = hubOf(siteId);
    const jobs = ["j-s1", "j-s2", "j-s3", "j-s4", "j-s5"];
    for (const jobId of jobs) await hub.enqueueJob({ tenantId: "tenant-a", siteId, job: testJob(jobId) });
    const byAgent = new Map<string, number>();
    for (const jobId of jobs) {
      const job = await hub.jobStatus(jobId);
      if (job?.state === "offered" && job.agentId)
        byAgent.set(job.agentId, (byAgent.get(job.agentId) ?? 0) + 1);
    }
    // the first job goes to the agent with most room, and neither is offered more than it can take
    expect(byAgent.get(large.welcome.agentId)).toBe(3);
    expect(byAgent.get(small.welcome.agentId)).toBe(1);
    expect((await hub.jobStatus("j-s1"))?.agentId).toBe(large.welcome.agentId);
    expect(await hub.jobStatus("j-s5")).toMatchObject({
      state: "queued",
      waiting: { code: "AGENTS_AT_CAPACITY", connected: 2 },
    });
  });

  it("offers one job to only one of two racing agents and refuses the other's accept", async () => {
    const siteId = freshSite("race");
    const a = await helloAgent((await enrolledAgent(siteId, "a")).credential);
    const b = await helloAgent((await enrolledAgent(siteId, "b")).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-race") });
    const winner = await Promise.race([
      a.agent.next("job.offer").then(() => a.agent),
      b.agent.next("job.offer").then(() => b.agent),
    ]);
    const loser = winner === a.agent ? b.agent : a.agent;
    loser.send({ type: "job.accept", jobId: "j-race" });
    expect(await loser.next("error")).toMatchObject({ code: "NOT_OFFERED" });
    winner.send({ type: "job.accept", jobId: "j-race" });
    expect((await winner.next("job.granted")).epoch).toBe(1);
  });

  it("re-offers a declined job to another agent", async () => {
    const siteId = freshSite("decline");
    const a = await helloAgent((await enrolledAgent(siteId, "a")).credential, { capacity: 2 });
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-decl") });
    await a.agent.next("job.offer");
    const b = await helloAgent((await enrolledAgent(siteId, "b")).credential);
    a.agent.send({ type: "job.decline", jobId: "j-decl", reason: "at-capacity" });
    expect((await b.agent.next("job.offer")).jobId).toBe("j-decl");
  });
});

describe("AgentHub leases", () => {
  it("renews a held lease and refuses a stale one", async () => {
    const siteId = freshSite("renew");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-renew") });
    await takeJob(agent, "j-renew");
    const ref = agent.send({
      type: "lease.renew",
      leases: [
        { jobId: "j-renew", epoch: 1 },
        { jobId: "j-renew", epoch: 7 },
      ],
      capacity: 1,
      draining: false,
    });
    const renewed = await agent.next("lease.renewed");
    expect(renewed.ref).toBe(ref);
    expect(renewed.leases.map((l) => l.ok)).toEqual([true, false]);
  });

  it("expires a lease by hub time, tells the agent, and re-offers the job under a new epoch", async () => {
    const siteId = freshSite("expire");
    const a = await helloAgent((await enrolledAgent(siteId, "a")).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-exp") });
    await takeJob(a.agent, "j-exp");
    a.agent.send({
      type: "job.progress",
      jobId: "j-exp",
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    await a.agent.next("ack");
    a.agent.send({ type: "lease.renew", leases: [], capacity: 0, draining: false });
    await a.agent.next("lease.renewed");
    const b = await helloAgent((await enrolledAgent(siteId, "b")).credential);
    await expireDeadlines(siteId);
    expect(await runDurableObjectAlarm(hubOf(siteId))).toBe(true);
    expect(await a.agent.next("job.cancel")).toMatchObject({
      jobId: "j-exp",
      epoch: 1,
      reason: "lease-expired",
    });
    const granted = await takeJob(b.agent, "j-exp");
    expect(granted).toMatchObject({ epoch: 2, attempt: 2, lastSeq: 1, stages: ["CLONING"] });
    expect((await counters(siteId)).leases_expired).toBe(1);
  });

  it("sweeps idempotently: a second alarm run changes nothing", async () => {
    const siteId = freshSite("sweep2");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-sw") });
    await takeJob(agent, "j-sw");
    await expireDeadlines(siteId);
    await runDurableObjectAlarm(hubOf(siteId));
    const after = await hubOf(siteId).status();
    await runDurableObjectAlarm(hubOf(siteId));
    const again = await hubOf(siteId).status();
    expect(again.counters.leases_expired).toBe(1);
    expect(again.jobs.map((j) => j.epoch)).toEqual(after.jobs.map((j) => j.epoch));
  });

  it("puts a released job straight back in the queue", async () => {
    const siteId = freshSite("release");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-rel") });
    await takeJob(agent, "j-rel");
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: true });
    await agent.next("lease.renewed");
    agent.send({ type: "job.release", jobId: "j-rel", epoch: 1, reason: "shutdown" });
    await agent.next("ack");
    expect(await hubOf(siteId).jobStatus("j-rel")).toMatchObject({
      state: "queued",
      waiting: { code: "AGENTS_DRAINING" },
    });
  });

  it("resumes a job across a reconnect when the agent lists it under its epoch", async () => {
    const siteId = freshSite("resume");
    const { credential } = await enrolledAgent(siteId);
    const first = await helloAgent(credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-res") });
    await takeJob(first.agent, "j-res");
    first.agent.ws.close(1000, "cut");
    const second = await helloAgent(credential, { running: [{ jobId: "j-res", epoch: 1 }] });
    expect(second.welcome.jobs).toEqual([{ jobId: "j-res", epoch: 1, status: "resumed", lastSeq: 0 }]);
  });

  it("takes back jobs a reconnecting agent no longer knows of", async () => {
    const siteId = freshSite("forgot");
    const { credential } = await enrolledAgent(siteId);
    const first = await helloAgent(credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-forgot") });
    await takeJob(first.agent, "j-forgot");
    first.agent.ws.close(1000, "restart");
    const second = await helloAgent(credential);
    expect((await takeJob(second.agent, "j-forgot")).epoch).toBe(2);
  });

  it("closes an older socket of the same agent that went quiet when a newer one says hello", async () => {
    const siteId = freshSite("supersede");
    const { credential } = await enrolledAgent(siteId);
    const first = await helloAgent(credential);
    // not heard from for two renew intervals: half-open after a cut (agent-hub.duplicates.test.ts has the rest)
    await runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
      state.storage.sql.exec("UPDATE agents_seen SET last_seen_at = last_seen_at - 60000");
    });
    await helloAgent(credential);
    expect((await first.agent.closed).code).toBe(4009);
  });
});

describe("AgentHub job frames", () => {
  async function running(label: string) {
    const siteId = freshSite(label);
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob(`j-${label}`) });
    await takeJob(agent, `j-${label}`);
    return { siteId, agent, jobId: `j-${label}` };
  }

  it("acks stages in order and applies a resent one only once", async () => {
    const { siteId, agent, jobId } = await running("stages");
    const id1 = agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    expect(await agent.next("ack")).toMatchObject({ ref: id1, seq: 1 });
    agent.send({
      id: id1,
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    expect(await agent.next("ack")).toMatchObject({ ref: id1, seq: 1 });
    expect(await hubOf(siteId).jobStatus(jobId)).toMatchObject({ lastSeq: 1 });
  });

  it("refuses a frame that skips a seq", async () => {
    const { agent, jobId } = await running("gap");
    agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 3,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    expect(await agent.next("error")).toMatchObject({ code: "SEQ_GAP" });
  });

  it("rejects a stale-epoch frame, never applies it, and tells the agent to stop", async () => {
    const { siteId, agent, jobId } = await running("stale");
    agent.send({
      type: "job.progress",
      jobId,
      epoch: 9,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    expect(await agent.next("error")).toMatchObject({ code: "STALE_EPOCH" });
    expect(await agent.next("job.cancel")).toMatchObject({ jobId, epoch: 9, reason: "reassigned" });
    expect(await hubOf(siteId).jobStatus(jobId)).toMatchObject({ lastSeq: 0 });
    expect((await counters(siteId)).frames_stale_epoch).toBe(1);
  });

  it("finishes a job on its result and frees the agent's capacity", async () => {
    const { siteId, agent, jobId } = await running("result");
    agent.send({
      type: "job.result",
      jobId,
      epoch: 1,
      seq: 1,
      at: at(),
      outcome: {
        ok: true,
        vm: { vmwareId: "vm-1", vmName: "web", hostname: "app01", ipAddress: "10.0.0.5" },
      },
    });
    await agent.next("ack");
    expect(await hubOf(siteId).jobStatus(jobId)).toMatchObject({ state: "done", outcome: "succeeded" });
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-next") });
    expect((await agent.next("job.offer")).jobId).toBe("j-next");
  });

  it("answers a malformed frame with an error and counts it", async () => {
    const { siteId, agent } = await running("malformed");
    agent.sendRaw("{not json");
    expect(await agent.next("error")).toMatchObject({ code: "MALFORMED_FRAME" });
    agent.sendRaw(JSON.stringify({ v: 1, id: "x", type: "job.progress", jobId: "j" }));
    expect(await agent.next("error")).toMatchObject({ code: "MALFORMED_FRAME", ref: "x" });
    expect((await counters(siteId)).frames_malformed).toBe(2);
  });

  it("answers an unknown frame type with an error and keeps the socket open", async () => {
    const { siteId, agent } = await running("unknown");
    agent.sendRaw(JSON.stringify({ v: 1, id: "u-1", type: "job.teleport" }));
    expect(await agent.next("error")).toMatchObject({ code: "UNKNOWN_TYPE", ref: "u-1" });
    expect((await counters(siteId)).frames_unknown_type).toBe(1);
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    await agent.next("lease.renewed");
  });

  it("closes the socket with 1009 on a frame over 64 KiB", async () => {
    const { siteId, agent } = await running("oversized");
    agent.sendRaw(
      JSON.stringify({
        v: 1,
        id: "big",
        type: "error",
        code: "INTERNAL",
        message: "x".repeat(MAX_AGENT_FRAME_BYTES),
      }),
    );
    expect((await agent.closed).code).toBe(1009);
    expect((await counters(siteId)).frames_oversized).toBe(1);
  });
});

describe("AgentHub control", () => {
  it("delivers a cancel to the agent running the job", async () => {
    const siteId = freshSite("cancel");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-cancel") });
    await takeJob(agent, "j-cancel");
    const ref = { tenantId: "tenant-a", siteId, requestId: "req-j-cancel" };
    expect(await hubOf(siteId).stopJob({ jobId: "j-cancel", ...ref })).toEqual({ stop: "stopping" });
    expect(await agent.next("job.cancel")).toMatchObject({
      jobId: "j-cancel",
      epoch: 1,
      reason: "requested",
    });
  });

  it("stops a queued job without an agent, and a job not queued yet for good", async () => {
    const siteId = freshSite("cancelq");
    const ref = { tenantId: "tenant-a", siteId, requestId: "req-j" };
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-cq") });
    expect(await hubOf(siteId).stopJob({ jobId: "j-cq", ...ref })).toEqual({ stop: "stopped" });
    expect(await hubOf(siteId).stopJob({ jobId: "j-none", ...ref })).toEqual({ stop: "stopped" });
    // the dispatch of a job stopped before it arrived (an outbox relay racing the stop) never runs it
    const late = await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-none") });
    expect(late).toMatchObject({ ok: true, value: { status: "duplicate", waiting: null } });
    expect((await hubOf(siteId).jobStatus("j-none"))?.state).toBe("done");
  });

  it("revokes an agent: closes its socket, refuses it and requeues its jobs", async () => {
    const siteId = freshSite("revoke");
    const { credential, agentId } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-rev") });
    await takeJob(agent, "j-rev");
    expect(await hubOf(siteId).revokeAgent(agentId)).toEqual({ requeued: 1 });
    expect((await agent.closed).code).toBe(4001);
    expect(await hubOf(siteId).jobStatus("j-rev")).toMatchObject({ state: "queued" });
  });

  it("answers a call through the agent", async () => {
    const siteId = freshSite("call");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    const pending = hubOf(siteId).callAgent({ call: { method: "vcenter.test" }, timeoutMs: 5000 });
    const call = await agent.next("call");
    agent.send({
      type: "call.result",
      ref: call.id,
      result: {
        method: "vcenter.test",
        outcome: { ok: true, value: { checks: [{ name: "login", ok: true, detail: "ok" }] } },
      },
    });
    expect(await pending).toMatchObject({ ok: true, value: { method: "vcenter.test" } });
  });

  it("fails a call when no agent is connected", async () => {
    const siteId = freshSite("nocall");
    expect(await hubOf(siteId).callAgent({ call: { method: "vcenter.test" } })).toEqual({
      ok: false,
      error: { code: "NO_AGENT_CONNECTED" },
    });
  });

  it("times out a call the agent never answers", async () => {
    const siteId = freshSite("calltimeout");
    await helloAgent((await enrolledAgent(siteId)).credential);
    expect(await hubOf(siteId).callAgent({ call: { method: "vcenter.test" }, timeoutMs: 50 })).toMatchObject({
      ok: false,
      error: { code: "CALL_TIMEOUT" },
    });
  });

  it("keeps the latest inventory report", async () => {
    const siteId = freshSite("inventory");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    const report = {
      collectedAt: at(),
      vcenter: { apiVersion: "8.0", fullName: "vcsim" },
      datacenters: [{ path: "/DC0", name: "DC0" }],
      templates: [],
      networks: [],
      folders: [],
      datastores: [],
      pools: [],
    };
    agent.send({ type: "inventory.report", seq: 1, report });
    await agent.next("ack");
    expect(await hubOf(siteId).inventory()).toMatchObject({ report: { datacenters: [{ name: "DC0" }] } });
  });
});

describe("AgentHub restart", () => {
  it("recovers queue and leases from storage after eviction", async () => {
    const siteId = freshSite("evict");
    const { credential } = await enrolledAgent(siteId);
    const { agent } = await helloAgent(credential);
    await hubOf(siteId).enqueueJob({ tenantId: "tenant-a", siteId, job: testJob("j-evict") });
    await takeJob(agent, "j-evict");
    await evictDurableObject(hubOf(siteId));
    const id = agent.send({
      type: "job.progress",
      jobId: "j-evict",
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: at() },
    });
    expect(await agent.next("ack")).toMatchObject({ ref: id });
    expect(await hubOf(siteId).jobStatus("j-evict")).toMatchObject({ state: "leased", epoch: 1, lastSeq: 1 });
  });
});
