import { setTimeout as sleep } from "node:timers/promises";
import { sampleJob } from "@gantry/agent/jobs/sample-job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";
import { TcpProxy } from "./support/tcp-proxy.ts";

// a file of its own: the cut alone takes 30 s, so it runs beside the other link files. Production's
// lease timing (edge/src/agent-hub/hub-settings.ts defaults): the 90 s lease outlives the cut, renewals
// every 30 s
const CUT_MS = 30_000;
const tenantId = "acme";
const siteId = "site-cut";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let proxy: TcpProxy | null = null;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 90_000, renewIntervalMs: 30_000, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 1000, taskDelaysMs: { CloneVM_Task: 2000 } }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await proxy?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

describe("the link cut for 30 s", () => {
  it("the job runs on through the cut and the stages it reached arrive afterwards once, in order", async () => {
    const stateDir = await enrollNewAgent("cut", edge.url, tokens[0] ?? "");
    proxy = await TcpProxy.start({ host: "127.0.0.1", port: edge.port });
    agent = startAgent({ name: "cut", stateDir, edgeUrl: proxy.url, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
    await edge.enqueue({ tenantId, siteId, job: sampleJob("cut-1") });
    await agent.waitForLog("clone started");
    await waitForJob(edge, siteId, "cut-1", (s) => s.lastSeq === 1);

    proxy.cut();
    const cutAt = Date.now();
    await agent.waitForLog("disconnected from edge");
    // the rest of the job happens while the edge cannot hear of it: vCenter has the running VM...
    await agent.waitForLog("vm ready", CUT_MS - 5000);
    expect(await vcsim.vmsOf("req-cut-1")).toEqual([
      expect.objectContaining({ name: "web-cut-1", powerState: "poweredOn" }),
    ]);
    // ...the edge still knows only the first stage, under the lease it granted
    expect(await edge.jobStatus(siteId, "cut-1")).toMatchObject({
      state: "leased",
      epoch: 1,
      lastSeq: 1,
      stages: ["CLONING"],
    });
    expect(Date.now() - cutAt).toBeLessThan(CUT_MS);
    await sleep(CUT_MS - (Date.now() - cutAt));
    proxy.restore();

    await agent.waitForLog("reconnected to edge");
    const done = await waitForJob(edge, siteId, "cut-1", (s) => s.state === "done", 15_000);
    expect(done).toMatchObject({
      outcome: "succeeded",
      epoch: 1,
      attempt: 1,
      stages: ALL_STAGES,
      lastSeq: 6,
    });
    expect(await vcsim.calls("CloneVM_Task")).toBe(1);
  }, 90_000);
});
