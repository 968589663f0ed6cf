import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";
import { TcpProxy } from "./support/tcp-proxy.ts";

// the seeded tenant, project and site of edge/local/seed.sql
const tenantId = "acme";
const siteId = "site-acme-vcsim";
const projectId = "proj-acme-web";
// short leases, so a partition outlives one in seconds; the agent takes 2 × renew + 5 s of silence as a
// dead link
const LEASE_TTL_MS = 5000;
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let proxy: TcpProxy | null = null;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: LEASE_TTL_MS, renewIntervalMs: 500, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 300, taskDelaysMs: { CloneVM_Task: 3000 } }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await proxy?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

const Created = z.object({ requestId: z.string(), version: z.number() });
const Detail = z
  .object({
    request: z.object({ status: z.string() }).loose(),
    timeline: z.array(z.object({ kind: z.string(), title: z.string() }).loose()),
  })
  .loose();
// a successful run's history, oldest first: each event once
const HISTORY = [
  "Request submitted",
  "Approved",
  "Provisioning started",
  "Cloning the template",
  "Configuring hardware",
  "Powering on",
  "Waiting for the network",
  "VM ready",
];

describe("a silent network partition longer than the lease", () => {
  it("the job ends with exactly one VM and the request is READY, not stuck", async () => {
    const stateDir = await enrollNewAgent("partition", edge.url, tokens[0] ?? "");
    proxy = await TcpProxy.start({ host: "127.0.0.1", port: edge.port });
    agent = startAgent({
      name: "partition",
      stateDir,
      edgeUrl: proxy.url,
      vcenter: vcsim.agentConfig(stateDir),
    });
    await agent.waitForLog("connected to edge");

    const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
    const created = Created.parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name: "partition01",
        size: "S",
        justification: "a partition longer than the lease, with a real agent",
      }),
    );
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    const jobId = String((await agent.waitForLog("job started")).jobId);
    await agent.waitForLog("clone started");

    proxy.blackhole();
    const cutAt = Date.now();
    // the agent notices the silence itself: no reset, no close ever reached it
    await agent.waitForLog("edge silent; dropping the connection", 30_000);
    // meanwhile the lease has run out at the hub: the job is no longer held by the first grant
    await expect
      .poll(async () => (await edge.jobStatus(siteId, jobId))?.state, { timeout: 30_000 })
      .not.toBe("leased");
    const partitionMs = Date.now() - cutAt;
    expect(partitionMs).toBeGreaterThan(LEASE_TTL_MS);
    proxy.restore();

    const readDetail = async () =>
      Detail.parse(await alice.query("requests.get", { requestId: created.requestId }));
    await expect
      .poll(async () => (await readDetail()).request.status, { timeout: 60_000, interval: 250 })
      .toBe("READY");
    // no event lost, none twice
    expect((await readDetail()).timeline.map((e) => e.title)).toEqual(HISTORY);
    // delivered again under a new lease (the first one ran out during the partition), and finished once
    expect(await edge.jobStatus(siteId, jobId)).toMatchObject({
      state: "done",
      outcome: "succeeded",
      epoch: 2,
      attempt: 2,
    });
    await agent.waitForLog("adopting the VM an earlier delivery of this request created");
    // vCenter holds one VM for the request: the second delivery adopted what the first had built
    expect(await vcsim.vmsOf(created.requestId)).toEqual([
      expect.objectContaining({ powerState: "poweredOn" }),
    ]);
    expect(await vcsim.calls("CloneVM_Task")).toBe(1);
  }, 180_000);
});
