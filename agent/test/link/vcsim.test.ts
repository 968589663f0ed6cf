import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type VcsimHandle } from "../../vcsim/vcsim.ts";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { ALL_STAGES, linkJob, waitForJob } from "./support/jobs.ts";

const tenantId = "acme";
const siteId = "site-acme-vcsim";
let edge: LinkEdge;
let tokens: string[];
let vcsim: VcsimHandle;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [{ tenantId, siteId }] }),
    startVcsim({ guestBootDelayMs: 300 }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

describe("the real provisioning handler behind the link", () => {
  it("reports the vCenter inventory on connect and provisions a VM in VCSIM end to end", async () => {
    const stateDir = newStateDir("vcsim");
    expect(
      (await runAgentCli(["enroll", "--edge", edge.url, "--token", tokens[0] ?? "", "--state-dir", stateDir]))
        .code,
    ).toBe(0);
    const passwordFile = path.join(stateDir, "vcenter-password");
    writeFileSync(passwordFile, vcsim.password, { mode: 0o600 });
    agent = startAgent({
      name: "vcsim-agent",
      stateDir,
      vcenter: {
        url: vcsim.url,
        username: vcsim.username,
        passwordFile,
        ...(vcsim.caFile ? { caFile: vcsim.caFile } : { insecure: true }),
      },
    });
    await agent.waitForLog("connected to edge");
    await expect
      .poll(async () => (await edge.inventory(siteId))?.report.templates.map((t) => t.path), {
        timeout: 20_000,
      })
      .toContain(vcsim.templatePath);
    const job = linkJob("vcsim-1", {
      diskGb: 20,
      memoryMb: 1024,
      networkPath: "/DC0/network/DC0_DVPG0",
      placement: {
        datacenterPath: "/DC0",
        templatePath: vcsim.templatePath,
        folderPath: "/DC0/vm",
        poolPath: "/DC0/host/DC0_C0/Resources",
        datastorePath: "/DC0/datastore/LocalDS_0",
      },
    });
    await edge.enqueue({ tenantId, siteId, job });
    const done = await waitForJob(edge, siteId, "vcsim-1", (s) => s.state === "done", 60_000);
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, stages: ALL_STAGES });
  });
});
