import { sampleJob } from "@gantry/agent/jobs/sample-job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

const tenantId = "acme";
const siteId = "site-acme-vcsim";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 300 }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

describe("the real provisioning handler behind the link", () => {
  it("reports the vCenter inventory on connect and provisions a VM in VCSIM end to end", async () => {
    const stateDir = await enrollNewAgent("vcsim", edge.url, tokens[0] ?? "");
    agent = startAgent({ name: "vcsim-agent", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
    await expect
      .poll(async () => (await edge.inventory(siteId))?.report.templates.map((t) => t.path), {
        timeout: 20_000,
      })
      .toContain(vcsim.handle.templatePath);
    await edge.enqueue({ tenantId, siteId, job: sampleJob("vcsim-1") });
    const done = await waitForJob(edge, siteId, "vcsim-1", (s) => s.state === "done", 60_000);
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, stages: ALL_STAGES });
    const [vm] = await vcsim.vmsOf("req-vcsim-1");
    expect(vm).toMatchObject({ name: "web-vcsim-1", powerState: "poweredOn" });
    const readBack = await vcsim.handle.control.vm({ moref: vm?.moref ?? "" });
    expect(readBack).toMatchObject({ numCPU: 1, memoryMB: 1024, guest: { hostName: "vcsim-1" } });
  });
});
