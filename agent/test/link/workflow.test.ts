import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, newStateDir, runAgentCli, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// the seeded tenant, project and site of edge/local/seed.sql
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

const Created = z.object({ requestId: z.string(), version: z.number() });
const Detail = z.object({ request: z.object({ status: z.string() }).loose() }).loose();

describe("the request workflow over the link", () => {
  it("an approved request is taken by the enrolled agent within a second and ends READY", async () => {
    const stateDir = newStateDir("workflow");
    expect(
      (await runAgentCli(["enroll", "--edge", edge.url, "--token", tokens[0] ?? "", "--state-dir", stateDir]))
        .code,
    ).toBe(0);
    agent = startAgent({ name: "workflow", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");

    const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
    const created = Created.parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId: "proj-acme-web",
        name: "linktest01",
        justification: "process-level test of the agent link",
      }),
    );
    const approvedAt = Date.now();
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    const started = await agent.waitForLog("job started");
    expect(Date.parse(String(started.time)) - approvedAt).toBeLessThan(1000);
    await agent.waitForLog("job finished");
    await expect
      .poll(
        async () =>
          Detail.parse(await alice.query("requests.get", { requestId: created.requestId })).request.status,
        { timeout: 15_000 },
      )
      .toBe("READY");
    expect(await vcsim.vmsOf(created.requestId)).toEqual([
      expect.objectContaining({ powerState: "poweredOn" }),
    ]);
  });
});
