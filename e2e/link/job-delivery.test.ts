import { sampleJob } from "@gantry/agent/jobs/sample-job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// sites are per test so each test gets its own hub; the lease is short so expiry takes seconds, and
// a clone takes 3 s so an agent can be stopped or killed in the middle of one
const sites = ["site-race", "site-kill", "site-drain", "site-drain-now"];
const tenantId = "acme";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
const running: AgentProcess[] = [];

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 5000,
      renewIntervalMs: 500,
      tokens: sites.flatMap((siteId) => [
        { tenantId, siteId },
        { tenantId, siteId },
      ]),
    }),
    LinkVcsim.start({ guestBootDelayMs: 300, taskDelaysMs: { CloneVM_Task: 3000 } }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

async function enroll(label: string, token: string | undefined): Promise<string> {
  const stateDir = newStateDir(label);
  const enrolled = await runAgentCli([
    "enroll",
    "--edge",
    edge.url,
    "--token",
    token ?? "",
    "--name",
    label,
    "--state-dir",
    stateDir,
  ]);
  expect(enrolled.code).toBe(0);
  return stateDir;
}

async function start(label: string, stateDir: string): Promise<AgentProcess> {
  const agent = startAgent({ name: label, stateDir, vcenter: vcsim.agentConfig(stateDir) });
  running.push(agent);
  await agent.waitForLog("connected to edge");
  return agent;
}

const enrolledAgent = async (label: string, token: string | undefined) =>
  start(label, await enroll(label, token));

describe("job delivery between the hub and real agents", () => {
  it("gives one job to exactly one of two racing agents, which runs it to the end", async () => {
    const siteId = "site-race";
    const clones = await vcsim.calls("CloneVM_Task");
    const [a, b] = await Promise.all([
      enrolledAgent("race-a", tokens[0]),
      enrolledAgent("race-b", tokens[1]),
    ]);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("race-1") });
    const first = await Promise.race([a.waitForLog("job started"), b.waitForLog("job started")]);
    // pushed on the sockets the agents already had: neither reconnected to fetch it (how quickly it
    // arrives is a figure of `npm run bench`, not a test)
    for (const agent of [a, b]) expect(agent.proc.tail()).not.toMatch(/disconnected from edge|reconnecting/);
    const done = await waitForJob(edge, siteId, "race-1", (s) => s.state === "done");
    expect(done).toMatchObject({
      outcome: "succeeded",
      epoch: 1,
      attempt: 1,
      stages: ALL_STAGES,
      lastSeq: 6,
    });
    expect(first.jobId).toBe("race-1");
    expect(await vcsim.vmsOf("req-race-1")).toEqual([
      expect.objectContaining({ name: "web-race-1", powerState: "poweredOn" }),
    ]);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });

  it("SIGKILL mid-clone: the lease expires and a second agent adopts the clone and finishes the job", async () => {
    const siteId = "site-kill";
    const clones = await vcsim.calls("CloneVM_Task");
    const [stateA, stateB] = await Promise.all([enroll("kill-a", tokens[2]), enroll("kill-b", tokens[3])]);
    const a = await start("kill-a", stateA);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("kill-1") });
    await a.waitForLog("clone started");
    a.signal("SIGKILL");
    await a.proc.exited;
    const b = await start("kill-b", stateB);
    const done = await waitForJob(edge, siteId, "kill-1", (s) => s.state === "done", 30_000);
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 2, attempt: 2, stages: ALL_STAGES });
    await b.waitForLog("adopting the VM an earlier delivery of this request created");
    expect(await vcsim.vmsOf("req-kill-1")).toEqual([
      expect.objectContaining({ name: "web-kill-1", powerState: "poweredOn" }),
    ]);
    // the killed agent's clone is the only one: the second delivery adopted it
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });

  it("SIGTERM drains: no new jobs, the running one finishes, the agent exits 0", async () => {
    const siteId = "site-drain";
    const a = await enrolledAgent("drain-a", tokens[4]);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("drain-1") });
    await a.waitForLog("job started");
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping gracefully/);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("drain-2") });
    expect(await a.proc.exited).toBe(0);
    expect(await edge.jobStatus(siteId, "drain-1")).toMatchObject({ state: "done", outcome: "succeeded" });
    expect(await edge.jobStatus(siteId, "drain-2")).toMatchObject({
      state: "queued",
      waiting: { code: "NO_AGENT_CONNECTED" },
    });
    expect(await vcsim.vmsOf("req-drain-1")).toEqual([
      expect.objectContaining({ name: "web-drain-1", powerState: "poweredOn" }),
    ]);
    expect(await vcsim.vmsOf("req-drain-2")).toEqual([]);
  });

  it("a second SIGTERM stops at once and hands the running job back to the queue", async () => {
    const siteId = "site-drain-now";
    const [clones, powerOns] = await Promise.all([
      vcsim.calls("CloneVM_Task"),
      vcsim.calls("PowerOnVM_Task"),
    ]);
    const a = await enrolledAgent("now-a", tokens[6]);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("now-1") });
    await a.waitForLog("clone started");
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping gracefully/);
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping now/);
    expect(await a.proc.exited).toBe(0);
    const status = await waitForJob(edge, siteId, "now-1", (s) => s.state === "queued");
    expect(status).toMatchObject({ epoch: 1, outcome: null });
    // stopped in the middle of the clone: nothing after it was started in vCenter
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
    expect((await vcsim.calls("PowerOnVM_Task")) - powerOns).toBe(0);
  });
});
