import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// the seeded tenant, project and site of edge/local/seed.sql
const tenantId = "acme";
const siteId = "site-acme-vcsim";
const projectId = "proj-acme-web";
// a vCenter of ordinary size; about 800 folders and 200 pools already fill one 64 KiB frame
const SCALE = { folders: 5000, pools: 1000, networks: 500, templates: 500 };

let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    // the renewal rhythm of a deployment (no lease runs out here): the agent's "edge silent" check is twice the
    // renewal interval, which at 1 s a loaded test machine's busy workerd could outlast while it takes the parts
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 10_000, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 300, scale: SCALE }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

const Named = z.object({ path: z.string() }).loose();
const Inventory = z
  .object({
    receivedAt: z.string(),
    report: z
      .object({
        folders: z.array(Named),
        pools: z.array(Named),
        networks: z.array(Named),
        templates: z.array(Named),
      })
      .loose(),
  })
  .loose()
  .nullable();

describe("a vCenter of ordinary size over the link", () => {
  it("reaches the edge complete in bounded frames, the agent stays connected, and a job runs", async () => {
    const stateDir = await enrollNewAgent("scale", edge.url, tokens[0] ?? "");
    agent = startAgent({ name: "scale", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");

    const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
    const readInventory = async () => Inventory.parse(await adam.query("sites.inventory", { siteId }));
    await expect
      .poll(async () => (await readInventory())?.report.folders.length ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(SCALE.folders);
    const { report } = (await readInventory()) ?? { report: null };
    if (!report) throw new Error("no inventory");
    expect(report.folders.map((f) => f.path)).toContain("/DC0/vm/scale-49/folder-04999");
    expect(report.pools.length).toBeGreaterThan(SCALE.pools);
    expect(report.networks.length).toBeGreaterThanOrEqual(SCALE.networks);
    expect(report.templates.length).toBeGreaterThan(SCALE.templates);

    // the agent was never cut off for an oversized frame: one connection from start to here
    expect(agent.proc.tail()).not.toMatch(/disconnected from edge|frame exceeds 64 KiB/);
    const health = await agent.waitForLog("health endpoint listening");
    expect(await (await fetch(`http://127.0.0.1:${health.port}/healthz`)).json()).toMatchObject({
      connected: true,
    });

    // and provisioning works with that inventory in place
    const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const created = z.object({ requestId: z.string(), version: z.number() }).parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name: "scaletest01",
        size: "S",
        justification: "a job next to a large inventory",
      }),
    );
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    await agent.waitForLog("job finished", 60_000);
    const status = async () =>
      z
        .object({ request: z.object({ status: z.string() }).loose() })
        .loose()
        .parse(await alice.query("requests.get", { requestId: created.requestId })).request.status;
    await expect.poll(status, { timeout: 15_000 }).toBe("READY");
    expect(await vcsim.vmsOf(created.requestId)).toHaveLength(1);
  });
});
