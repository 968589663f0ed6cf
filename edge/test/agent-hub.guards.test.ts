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
    // valid frames (an agent's error report) far beyond the burst, and cheap to handle, so even a slow
    // runner cannot refill the bucket in time
    for (let i = 0; i < 1000; i++)
      agent.sendRaw(`{"v":1,"id":"f${i}","type":"error","code":"INTERNAL","message":"noise"}`);
    expect((await agent.closed).code).toBe(1008);
    expect((await hubOf(siteId).status()).counters.frames_rate_limited).toBeGreaterThanOrEqual(1);
    // a thousand frames through one shared workerd on a loaded 2-core runner: a deadline, not a speed goal
  }, 60_000);

  it("lets an agent that runs 64 jobs at once send the frames a busy hub gets back to back", async () => {
    const siteId = freshSite("busy");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { capacity: 64 });
    // what a 20 s stall of the hub queues on the socket of an agent running 64 jobs, delivered at once:
    // the flood above from an agent that takes one job is closed, this one is not
    for (let i = 0; i < 1000; i++)
      agent.sendRaw(`{"v":1,"id":"b${i}","type":"error","code":"INTERNAL","message":"queued"}`);
    agent.send({ type: "lease.renew", leases: [], capacity: 64, draining: false });
    const answered = await Promise.race([agent.next("lease.renewed", 30_000), agent.closed]);
    expect(answered).toMatchObject({ type: "lease.renewed" });
    expect((await hubOf(siteId).status()).counters.frames_rate_limited ?? 0).toBe(0);
    agent.ws.close(1000, "done");
  }, 60_000);

  it("gives a connection its larger allowance once: lowering and raising its capacity buys no fresh burst", async () => {
    const siteId = freshSite("toggle");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { capacity: 64 });
    const open = () => agent.ws.readyState === WebSocket.OPEN;
    const answer = () => Promise.race([agent.next("lease.renewed", 30_000), agent.closed]);
    // spend most of the burst, say capacity 0 and then 64 again, spend again: were the burst paid anew on
    // each raise, six rounds would all go through; it is closed within the second or third
    for (let round = 0; round < 6 && open(); round++) {
      for (let i = 0; i < 1000 && open(); i++)
        agent.sendRaw(`{"v":1,"id":"t${round}-${i}","type":"error","code":"INTERNAL","message":"noise"}`);
      if (!open()) break;
      agent.send({ type: "lease.renew", leases: [], capacity: 0, draining: false });
      await answer();
      // an attacker's pause: long enough for the emptied bucket to refill the one token the raise needs
      await new Promise((resolve) => setTimeout(resolve, 60));
      if (!open()) break;
      agent.send({ type: "lease.renew", leases: [], capacity: 64, draining: false });
      await answer();
    }
    expect(await Promise.race([agent.closed, answer()])).toMatchObject({ code: 1008 });
  }, 120_000);

  it("answers a few malformed frames with errors, and closes a socket that keeps sending them", async () => {
    const siteId = freshSite("garbage");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential);
    agent.sendRaw("not json");
    expect(await agent.next("error")).toMatchObject({ code: "MALFORMED_FRAME" });
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    await agent.next("lease.renewed");
    for (let i = 0; i < 12; i++) agent.sendRaw(i % 2 ? `{"v":1,"id":"g${i}","type":"noise"}` : "{");
    expect(await agent.closed).toMatchObject({ code: 1008, reason: "too many malformed frames" });
    expect((await hubOf(siteId).status()).counters).toMatchObject({ frames_malformed_closed: 1 });
  });

  it("never lets a __proto__ key in a frame pollute anything, and handles the frame as if it were absent", async () => {
    const siteId = freshSite("proto");
    const { credential } = await enrolledAgent(siteId);
    const agent = await connectAgent(credential);
    agent.sendRaw(
      JSON.stringify({
        v: 1,
        id: "h1",
        type: "hello",
        agent: { version: "0.1.0-test" },
        protocols: [1],
        capacity: 1,
        draining: false,
        running: [],
      }).replace('{"v":1', '{"__proto__":{"polluted":"yes","capacity":64},"v":1'),
    );
    const welcome = await agent.next("welcome");
    expect(welcome.agentId).toBeTruthy();
    agent.sendRaw(
      '{"v":1,"id":"r1","type":"lease.renew","capacity":1,"draining":false,' +
        '"leases":[{"__proto__":{"ok":true,"epoch":9},"jobId":"job-none","epoch":1}],"__proto__":{"isAdmin":true}}',
    );
    expect((await agent.next("lease.renewed")).leases).toEqual([{ jobId: "job-none", epoch: 1, ok: false }]);
    agent.sendRaw('{"__proto__":{"type":"hello","id":"x"}}');
    expect(await agent.next("error")).toMatchObject({ code: "MALFORMED_FRAME" });
    const polluted = await runInDurableObject(hubOf(siteId), () => {
      const probe: Record<string, unknown> = {};
      return [
        probe.polluted,
        probe.isAdmin,
        probe.ok,
        probe.type,
        Object.hasOwn(Object.prototype, "polluted"),
      ];
    });
    expect(polluted).toEqual([undefined, undefined, undefined, undefined, false]);
    // the hello's own capacity counted, not the one hidden behind __proto__
    expect((await hubOf(siteId).status()).agents).toMatchObject([{ capacity: 1, connected: true }]);
  });

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
