import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, fakeVcenter, linkJob, waitForJob } from "./support/jobs.ts";

// sites are per test so each test gets its own hub; the lease is short so expiry takes seconds
const sites = ["site-race", "site-kill", "site-drain", "site-drain-now"];
const tenantId = "acme";
let edge: LinkEdge;
let tokens: string[];
const running: AgentProcess[] = [];

beforeAll(async () => {
  ({ edge, tokens } = await LinkEdge.start({
    leaseTtlMs: 4000,
    renewIntervalMs: 500,
    tokens: sites.flatMap((siteId) => [
      { tenantId, siteId },
      { tenantId, siteId },
    ]),
  }));
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await edge?.stop();
});

async function enrolledAgent(
  label: string,
  token: string | undefined,
  options: { fakeDir: string; fakeStepMs?: number; gracePeriodMs?: number },
) {
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
  const agent = startAgent({
    name: label,
    stateDir,
    fakeVcenterDir: options.fakeDir,
    fakeStepMs: options.fakeStepMs,
    gracePeriodMs: options.gracePeriodMs,
  });
  running.push(agent);
  await agent.waitForLog("connected to edge");
  return agent;
}

describe("job delivery between the hub and real agents", () => {
  it("gives one job to exactly one of two racing agents, which runs it to the end", async () => {
    const siteId = "site-race";
    const vc = fakeVcenter("race");
    const [a, b] = await Promise.all([
      enrolledAgent("race-a", tokens[0], { fakeDir: vc.dir, fakeStepMs: 100 }),
      enrolledAgent("race-b", tokens[1], { fakeDir: vc.dir, fakeStepMs: 100 }),
    ]);
    const started = Date.now();
    await edge.enqueue({ tenantId, siteId, job: linkJob("race-1") });
    const first = await Promise.race([a.waitForLog("job started"), b.waitForLog("job started")]);
    // the agent's own timestamp, so output buffering between processes does not count
    expect(Date.parse(String(first.time)) - started).toBeLessThan(1000);
    const done = await waitForJob(edge, siteId, "race-1", (s) => s.state === "done");
    expect(done).toMatchObject({
      outcome: "succeeded",
      epoch: 1,
      attempt: 1,
      stages: ALL_STAGES,
      lastSeq: 6,
    });
    expect(vc.effects()).toHaveLength(1);
    expect(first.jobId).toBe("race-1");
  });

  it("SIGKILL mid-job: the lease expires and a second agent finishes it with no duplicate effect", async () => {
    const siteId = "site-kill";
    const vc = fakeVcenter("kill");
    const a = await enrolledAgent("kill-a", tokens[2], { fakeDir: vc.dir, fakeStepMs: 1500 });
    await edge.enqueue({ tenantId, siteId, job: linkJob("kill-1") });
    await waitForJob(edge, siteId, "kill-1", (s) => s.stages.includes("CONFIGURING"));
    a.signal("SIGKILL");
    await a.proc.exited;
    const b = await enrolledAgent("kill-b", tokens[3], { fakeDir: vc.dir, fakeStepMs: 100 });
    const done = await waitForJob(edge, siteId, "kill-1", (s) => s.state === "done", 30_000);
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 2, attempt: 2, stages: ALL_STAGES });
    expect(vc.effects()).toHaveLength(1);
    await b.waitForLog("job finished");
  });

  it("SIGTERM drains: no new jobs, the running one finishes, the agent exits 0", async () => {
    const siteId = "site-drain";
    const vc = fakeVcenter("drain");
    const a = await enrolledAgent("drain-a", tokens[4], { fakeDir: vc.dir, fakeStepMs: 400 });
    await edge.enqueue({ tenantId, siteId, job: linkJob("drain-1") });
    await a.waitForLog("job started");
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping gracefully/);
    await edge.enqueue({ tenantId, siteId, job: linkJob("drain-2") });
    expect(await a.proc.exited).toBe(0);
    expect(await edge.jobStatus(siteId, "drain-1")).toMatchObject({ state: "done", outcome: "succeeded" });
    expect(await edge.jobStatus(siteId, "drain-2")).toMatchObject({
      state: "queued",
      waiting: { code: "NO_AGENT_CONNECTED" },
    });
  });

  it("a second SIGTERM stops at once and hands the running job back to the queue", async () => {
    const siteId = "site-drain-now";
    const vc = fakeVcenter("drain-now");
    const a = await enrolledAgent("now-a", tokens[6], { fakeDir: vc.dir, fakeStepMs: 5000 });
    await edge.enqueue({ tenantId, siteId, job: linkJob("now-1") });
    await a.waitForLog("job started");
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping gracefully/);
    a.signal("SIGTERM");
    await a.waitForLog(/"msg":"stopping now/);
    expect(await a.proc.exited).toBe(0);
    const status = await waitForJob(edge, siteId, "now-1", (s) => s.state === "queued");
    expect(status.epoch).toBe(1);
  });
});
