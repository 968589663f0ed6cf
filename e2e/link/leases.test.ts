import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// Leases over the link on a compressed clock (issue 16): the project's policy is seconds long, and the
// Worker's cron (the local stack's `/cdn-cgi/local/scheduled`) is fired on every poll, so the scheduler runs
// far more often than once a minute — every duplicate run must be harmless. A real agent powers the VM off
// and deletes it in VCSIM.
const tenantId = "acme";
const siteId = "site-acme-vcsim";
const projectId = "proj-acme-web";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let agent: AgentProcess | null = null;

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 30_000,
      renewIntervalMs: 1000,
      // one enrollment per test: each starts its own agent
      tokens: [
        { tenantId, siteId },
        { tenantId, siteId },
      ],
    }),
    LinkVcsim.start({ guestBootDelayMs: 300 }),
  ]);
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

const Created = z.object({ requestId: z.string(), version: z.number() });
const Vm = z
  .object({
    vm: z
      .object({
        status: z.string(),
        expiresAt: z.string().nullable(),
        lease: z.object({ phase: z.string(), destroyAt: z.string().nullable() }).loose().nullable(),
      })
      .loose(),
    timeline: z.array(z.object({ kind: z.string(), title: z.string() }).loose()),
  })
  .loose();

/**
 * An agent of the site, the owner and the admin signed in, and a hard lease policy of `graceSeconds`
 * grace on an 8-second term; `provision` builds a VM under it (created by the owner, approved by the admin).
 */
async function leaseStack(input: { agentName: string; token: string; graceSeconds: number }) {
  const stateDir = await enrollNewAgent(input.agentName, edge.url, input.token);
  const startOne = async () => {
    agent = startAgent({ name: input.agentName, stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
  };
  await startOne();
  const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
  const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
  await adam.mutation("leases.setPolicy", {
    projectId,
    policy: {
      initialTermSeconds: 8,
      maxExtensionSeconds: 3600,
      maxTotalSeconds: 7200,
      graceSeconds: input.graceSeconds,
      enforcement: "hard",
      warningsSeconds: [],
    },
  });
  const provision = async (name: string) => {
    const created = Created.parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name,
        size: "S",
        justification: "a VM whose lease runs out within seconds",
      }),
    );
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    return created.requestId;
  };
  const vmOf = async (vmId: string) => Vm.parse(await alice.query("vms.get", { vmId }));
  const cron = () => fetch(`${edge.url}/cdn-cgi/local/scheduled`).then((r) => r.text());
  return { alice, adam, provision, vmOf, cron, startAgent: startOne };
}

describe("leases over the link", () => {
  it("a VM expires, is powered off and deleted after grace, once; one extended before expiry keeps running", async () => {
    const { alice, provision, vmOf, cron } = await leaseStack({
      agentName: "leases",
      token: tokens[0] ?? "",
      graceSeconds: 4,
    });
    const expiring = await provision("lease01");
    const extended = await provision("lease02");
    await expect
      .poll(
        async () => [
          (await vmOf(expiring).catch(() => null))?.vm.status,
          (await vmOf(extended).catch(() => null))?.vm.status,
        ],
        {
          timeout: 60_000,
        },
      )
      .toEqual(["READY", "READY"]);
    // the second one's owner extends it before it expires: neither its power-off nor its deletion comes
    await alice.mutation("leases.extend", {
      vmId: extended,
      idempotencyKey: crypto.randomUUID(),
      seconds: 3600,
    });

    // powered off at expiry, then gone from vCenter at the end of grace
    await expect
      .poll(
        async () => {
          await cron();
          return (await vcsim.vmsOf(expiring)).map((v) => v.powerState);
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual([]);
    await expect.poll(async () => (await vmOf(expiring)).vm.status, { timeout: 15_000 }).toBe("DELETED");
    // more runs of the scheduler change nothing
    await cron();
    await cron();
    const titles = (await vmOf(expiring)).timeline.map((e) => e.title);
    expect(titles.filter((t) => t === "Lease expired: powering off")).toHaveLength(1);
    expect(titles.filter((t) => t === "Power off")).toHaveLength(1);
    expect(titles.filter((t) => t === "Lease ended: deleting the VM")).toHaveLength(1);
    expect(titles.filter((t) => t === "Delete")).toHaveLength(1);
    expect(titles.indexOf("Power off: done")).toBeLessThan(titles.indexOf("Delete"));

    const kept = await vmOf(extended);
    expect(kept.vm.status).toBe("READY");
    expect(kept.timeline.map((e) => e.title)).not.toContain("Lease expired: powering off");
    expect((await vcsim.vmsOf(extended)).map((v) => v.powerState)).toEqual(["poweredOn"]);
  }, 180_000);

  it("an agent offline at expiry powers the VM off once when back; an admin's rescue during grace keeps a VM", async () => {
    await agent?.stop();
    const stack = await leaseStack({ agentName: "leases-2", token: tokens[1] ?? "", graceSeconds: 12 });
    const { adam, provision, vmOf, cron } = stack;
    const offline = await provision("lease03");
    const rescued = await provision("lease04");
    await expect
      .poll(
        async () =>
          Promise.all(
            [offline, rescued].map((id) =>
              vmOf(id).then(
                (v) => v.vm.status,
                () => null,
              ),
            ),
          ),
        {
          timeout: 60_000,
        },
      )
      .toEqual(["READY", "READY"]);

    // the agent is away when both leases run out: each expiry is recorded, its power-off waits at the hub
    await agent?.stop();
    await expect
      .poll(
        async () => {
          await cron();
          return Promise.all([offline, rescued].map(async (id) => (await vmOf(id)).vm.lease?.phase));
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual(["grace", "grace"]);
    expect((await vcsim.vmsOf(offline)).map((v) => v.powerState)).toEqual(["poweredOn"]);

    // an admin rescues one during its grace; the scheduler's runs past its old end of grace delete nothing
    const destroyAt = Date.parse((await vmOf(rescued)).vm.lease?.destroyAt ?? "");
    expect(destroyAt).toBeGreaterThan(Date.now());
    await adam.mutation("leases.rescue", {
      mode: "extend",
      vmId: rescued,
      idempotencyKey: crypto.randomUUID(),
      seconds: 3600,
      reason: "still needed for the release",
    });

    // back: the waiting power-off runs, once
    await stack.startAgent();
    await expect
      .poll(async () => (await vmOf(offline)).timeline.map((e) => e.title), { timeout: 30_000 })
      .toContain("Power off: done");
    // off in vCenter (or, when the agent came back late under load, already deleted after its grace)
    expect([["poweredOff"], []]).toContainEqual((await vcsim.vmsOf(offline)).map((v) => v.powerState));
    await expect
      .poll(
        async () => {
          await cron();
          return Date.now() > destroyAt + 2000;
        },
        { timeout: 40_000, interval: 500 },
      )
      .toBe(true);
    const titles = (await vmOf(offline)).timeline.map((e) => e.title);
    expect(titles.filter((t) => t === "Power off")).toHaveLength(1);
    expect(titles.filter((t) => t === "Power off: done")).toHaveLength(1);

    const kept = await vmOf(rescued);
    expect(kept.vm).toMatchObject({ status: "READY", lease: { phase: "active" } });
    expect(kept.timeline.map((e) => e.title)).not.toContain("Lease ended: deleting the VM");
    expect(await vcsim.vmsOf(rescued)).toHaveLength(1);
  }, 240_000);
});
