import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

const tenantId = "acme";
const siteId = "site-shutdown";
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

describe("gantry-agent run stopped after its vCenter went away", () => {
  it("logs the failed logout and exits 0, without a crash trace", async () => {
    const stateDir = await enrollNewAgent("shutdown", edge.url, tokens[0] ?? "");
    agent = startAgent({ name: "shutdown", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
    // the inventory report on connect logs in: there is a session to end
    await agent.waitForLog("vcenter login");
    // as in the local stack before it stopped in order, or a vCenter that is down
    await vcsim.stop();
    agent.signal("SIGTERM");
    expect(await agent.proc.exited).toBe(0);
    const output = agent.proc.tail();
    expect(output).toMatch(
      /"level":"warn","msg":"vcenter logout failed; the session will expire on vCenter's side"/,
    );
    expect(output).toMatch(/"msg":"agent stopped".*"exitCode":0/);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$|Uncaught|Unhandled/m);
  });
});
