import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, fakeVcenter, linkJob, waitForJob } from "./support/jobs.ts";
import { TcpProxy } from "./support/tcp-proxy.ts";

// long enough that a cut or a restart of workerd (about 15 s here) fits inside one lease, as a 30 s
// cut fits inside production's 90 s lease; the renew interval is short to keep the test quick
const LEASE_TTL_MS = 30_000;
const CUT_MS = 3000;
const tenantId = "acme";
let edge: LinkEdge;
let tokens: string[];
const running: AgentProcess[] = [];

beforeAll(async () => {
  ({ edge, tokens } = await LinkEdge.start({
    leaseTtlMs: LEASE_TTL_MS,
    renewIntervalMs: 1000,
    tokens: [
      { tenantId, siteId: "site-cut" },
      { tenantId, siteId: "site-restart" },
      { tenantId, siteId: "site-resume" },
    ],
  }));
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await edge?.stop();
});

async function enrolled(label: string, token: string | undefined) {
  const stateDir = newStateDir(label);
  const res = await runAgentCli([
    "enroll",
    "--edge",
    edge.url,
    "--token",
    token ?? "",
    "--state-dir",
    stateDir,
  ]);
  expect(res.code).toBe(0);
  return stateDir;
}

describe("the link under failure", () => {
  it("a socket cut mid-job: the job continues and its stages arrive once, in order", async () => {
    const siteId = "site-cut";
    const vc = fakeVcenter("cut");
    const proxy = await TcpProxy.start({ host: "127.0.0.1", port: edge.port });
    const stateDir = await enrolled("cut", tokens[0]);
    const agent = startAgent({
      name: "cut",
      stateDir,
      edgeUrl: proxy.url,
      fakeVcenterDir: vc.dir,
      fakeStepMs: 800,
    });
    running.push(agent);
    await agent.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: linkJob("cut-1") });
    await waitForJob(edge, siteId, "cut-1", (s) => s.stages.includes("CLONING"));
    proxy.cut();
    await agent.waitForLog("disconnected from edge");
    await new Promise((resolve) => setTimeout(resolve, CUT_MS));
    proxy.restore();
    await agent.waitForLog("reconnected to edge");
    const done = await waitForJob(edge, siteId, "cut-1", (s) => s.state === "done");
    expect(done).toMatchObject({
      outcome: "succeeded",
      epoch: 1,
      attempt: 1,
      stages: ALL_STAGES,
      lastSeq: 6,
    });
    expect(vc.effects()).toHaveLength(1);
    await proxy.stop();
  });

  it("the hub restarted mid-job: state is recovered and the job finishes under its lease", async () => {
    const siteId = "site-restart";
    const vc = fakeVcenter("restart");
    const stateDir = await enrolled("restart", tokens[1]);
    const agent = startAgent({ name: "restart", stateDir, fakeVcenterDir: vc.dir, fakeStepMs: 1000 });
    running.push(agent);
    await agent.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: linkJob("restart-1") });
    await waitForJob(edge, siteId, "restart-1", (s) => s.stages.includes("CLONING"));
    await edge.restart();
    await agent.waitForLog("reconnected to edge", 30_000);
    const done = await waitForJob(edge, siteId, "restart-1", (s) => s.state === "done");
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, stages: ALL_STAGES });
    expect(vc.effects()).toHaveLength(1);
  });
  it("an agent killed mid-job and restarted resumes the job from its journal under the same lease", async () => {
    const siteId = "site-resume";
    const vc = fakeVcenter("resume");
    const stateDir = newStateDir("resume");
    expect(
      (await runAgentCli(["enroll", "--edge", edge.url, "--token", tokens[2] ?? "", "--state-dir", stateDir]))
        .code,
    ).toBe(0);
    const first = startAgent({ name: "resume-1", stateDir, fakeVcenterDir: vc.dir, fakeStepMs: 1200 });
    running.push(first);
    await first.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: linkJob("resume-1") });
    await waitForJob(edge, siteId, "resume-1", (s) => s.stages.includes("CONFIGURING"));
    first.signal("SIGKILL");
    await first.proc.exited;
    const second = startAgent({ name: "resume-2", stateDir, fakeVcenterDir: vc.dir, fakeStepMs: 100 });
    running.push(second);
    const started = await second.waitForLog("agent started");
    expect(started.resuming).toBe(1);
    const done = await waitForJob(edge, siteId, "resume-1", (s) => s.state === "done");
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, attempt: 1, stages: ALL_STAGES });
    expect(vc.effects()).toHaveLength(1);
  });
});
