import { sampleJob } from "@gantry/agent/jobs/sample-job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// long enough that a restart of workerd (several seconds here) fits inside one lease; the renew
// interval is short to keep the test quick. A clone takes 3 s so there is a middle to kill it in.
const tenantId = "acme";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
const running: AgentProcess[] = [];

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 30_000,
      renewIntervalMs: 1000,
      tokens: [
        { tenantId, siteId: "site-restart" },
        { tenantId, siteId: "site-resume" },
      ],
    }),
    LinkVcsim.start({ guestBootDelayMs: 500, taskDelaysMs: { CloneVM_Task: 3000 } }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all([edge?.stop(), vcsim?.stop()]);
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

function start(name: string, stateDir: string): AgentProcess {
  const agent = startAgent({ name, stateDir, vcenter: vcsim.agentConfig(stateDir) });
  running.push(agent);
  return agent;
}

describe("the link under failure", () => {
  it("the hub restarted mid-job: state is recovered and the job finishes under its lease", async () => {
    const siteId = "site-restart";
    const clones = await vcsim.calls("CloneVM_Task");
    const agent = start("restart", await enrolled("restart", tokens[0]));
    await agent.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: sampleJob("restart-1") });
    await waitForJob(edge, siteId, "restart-1", (s) => s.stages.includes("CLONING"));
    await edge.restart();
    await agent.waitForLog("reconnected to edge", 30_000);
    const done = await waitForJob(edge, siteId, "restart-1", (s) => s.state === "done");
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, stages: ALL_STAGES });
    expect(await vcsim.vmsOf("req-restart-1")).toEqual([
      expect.objectContaining({ name: "web-restart-1", powerState: "poweredOn" }),
    ]);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });

  it("an agent killed mid-clone and restarted resumes the job from its journal and adopts the clone", async () => {
    const siteId = "site-resume";
    const clones = await vcsim.calls("CloneVM_Task");
    const stateDir = await enrolled("resume", tokens[1]);
    const first = start("resume-1", stateDir);
    await first.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: sampleJob("resume-1") });
    await first.waitForLog("clone started");
    first.signal("SIGKILL");
    await first.proc.exited;
    // the clone outlives the process that asked for it; restart once it stands in vCenter
    await expect.poll(async () => (await vcsim.vmsOf("req-resume-1")).length, { timeout: 10_000 }).toBe(1);
    const second = start("resume-2", stateDir);
    const started = await second.waitForLog("agent started");
    expect(started.resuming).toBe(1);
    const done = await waitForJob(edge, siteId, "resume-1", (s) => s.state === "done");
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, attempt: 1, stages: ALL_STAGES });
    await second.waitForLog("adopting the VM an earlier delivery of this request created");
    expect(await vcsim.vmsOf("req-resume-1")).toEqual([
      expect.objectContaining({ name: "web-resume-1", powerState: "poweredOn" }),
    ]);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });
});
