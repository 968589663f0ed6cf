import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// Reconciliation over the link: a real agent scans a real VCSIM for VMs with our marker when it connects
// and when an admin asks. Two VMs with our marker exist behind Gantry's back from the start (the
// launcher's -scale markers); a VM Gantry built is destroyed in vCenter while its agent is down, so only
// the scan after the restart can tell (the drift watch starts over knowing nothing).
const tenantId = "acme";
const siteId = "site-acme-vcsim";
const projectId = "proj-acme-web";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
const running: AgentProcess[] = [];

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 30_000,
      renewIntervalMs: 1000,
      reconnectScanSpacingMs: 0,
      tokens: [{ tenantId, siteId }],
    }),
    LinkVcsim.start({ guestBootDelayMs: 300, scale: { vms: 3, markers: 2 } }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

const Page = z.object({
  lastScan: z
    .object({ trigger: z.string(), markerVms: z.number(), roundTrips: z.number() })
    .loose()
    .nullable(),
  unowned: z.array(z.object({ name: z.string(), vmwareId: z.string(), markerRequestId: z.string() }).loose()),
  missing: z.array(z.object({ vmId: z.string() }).loose()),
  scanner: z.object({ available: z.boolean() }),
});
const Created = z.object({ requestId: z.string(), version: z.number() });

describe("reconciliation over the link", () => {
  it("finds marker VMs created behind Gantry's back, marks missing a Gantry VM destroyed behind it, destroys an unowned VM only under its scanned marker, and adopts one into a project", async () => {
    const stateDir = await enrollNewAgent("recon", edge.url, tokens[0] ?? "");
    const start = (name: string) => {
      const agent = startAgent({ name, stateDir, vcenter: vcsim.agentConfig(stateDir) });
      running.push(agent);
      return agent;
    };
    const first = start("recon-1");
    await first.waitForLog("connected to edge");
    const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
    const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const page = async () => Page.parse(await adam.query("reconciliation.get", { siteId }));

    // the scan on connect: the two VMs the launcher made with our marker are unowned
    await expect.poll(async () => (await page()).lastScan?.trigger, { timeout: 20_000 }).toBe("reconnect");
    expect((await page()).unowned.map((u) => [u.name, u.markerRequestId])).toEqual([
      ["vm-0000", "unowned-0000"],
      ["vm-0001", "unowned-0001"],
    ]);

    // a VM Gantry builds, READY
    await expect
      .poll(
        async () =>
          ((await alice.query("catalog.networks", { projectId })) as { networks: unknown[] }).networks.length,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    const created = Created.parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name: "recon01",
        size: "S",
        justification: "reconciliation over the link",
      }),
    );
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    const status = async () =>
      ((await alice.query("vms.get", { vmId: created.requestId })) as { vm: { status: string } }).vm.status;
    await expect.poll(() => status().catch(() => "not yet"), { timeout: 30_000 }).toBe("READY");
    const [vm] = await vcsim.vmsOf(created.requestId);
    if (!vm) throw new Error("the VM was not built");

    // on demand: ours is owned (not listed), the two others still unowned, nothing missing
    const figures = (await adam.mutation("reconciliation.scan", { siteId })) as Record<string, number>;
    expect(figures).toMatchObject({ markerVms: 3, unowned: 2, missing: 0 });
    expect(figures.roundTrips).toBe(3);

    // destroyed in vCenter while the agent is down; the scan after its restart marks it missing
    await first.stop();
    await vcsim.destroyBehindGantrysBack(vm.moref);
    const second = start("recon-2");
    await second.waitForLog("connected to edge");
    await expect
      .poll(async () => (await page()).missing.map((m) => m.vmId), { timeout: 20_000 })
      .toEqual([created.requestId]);
    expect(await status()).toBe("GONE");
    expect((await page()).lastScan).toMatchObject({ trigger: "reconnect", markerVms: 2 });

    // destroy both unowned VMs; one was re-marked in vCenter since the scan: that one is never touched
    const [kept, doomed] = (await page()).unowned;
    if (!kept || !doomed) throw new Error("the two unowned VMs are not listed");
    await vcsim.remarkBehindGantrysBack(kept.vmwareId, "someone-elses");
    for (const vm of [kept, doomed]) {
      const { vmwareId, markerRequestId, name } = vm;
      await adam.mutation("reconciliation.destroy", { siteId, vmwareId, markerRequestId, confirmName: name });
    }
    await expect
      .poll(async () => (await page()).unowned.map((u) => [u.name, u.destroying]), { timeout: 20_000 })
      .toEqual([[kept.name, false]]);
    expect(await vcsim.exists(doomed.vmwareId)).toBe(false);
    expect(await vcsim.exists(kept.vmwareId)).toBe(true);
    const audit = (await adam.query("audit.list", { filter: { actorKind: "agent" } })) as {
      items: { action: string; summary: string }[];
    };
    expect(
      audit.items
        .filter((e) => e.action.startsWith("UNOWNED_VM_"))
        .map((e) => e.action)
        .sort(),
    ).toEqual(["UNOWNED_VM_DESTROYED", "UNOWNED_VM_DESTROY_FAILED"]);
    expect(audit.items.find((e) => e.action === "UNOWNED_VM_DESTROY_FAILED")?.summary).toContain(
      "MARKER_MISMATCH",
    );

    // the VM left running is adopted into the project for alice: a scan lists it under its new marker,
    // the agent rewrites that marker to the adopted VM's id, and it is alice's VM like any other
    await adam.mutation("reconciliation.scan", { siteId });
    const left = (await page()).unowned.find((u) => u.vmwareId === kept.vmwareId);
    expect(left?.markerRequestId).toBe("someone-elses");
    const me = z.object({ userId: z.string() }).parse(await alice.query("session.me", undefined));
    const adopted = z.object({ vmId: z.string(), outcome: z.literal("queued") }).parse(
      await adam.mutation("reconciliation.adopt", {
        siteId,
        vmwareId: kept.vmwareId,
        markerRequestId: "someone-elses",
        projectId,
        ownerId: me.userId,
      }),
    );
    await expect
      .poll(async () => (await page()).unowned.map((u) => u.vmwareId), { timeout: 20_000 })
      .toEqual([]);
    expect((await vcsim.vmsOf(adopted.vmId)).map((v) => v.moref)).toEqual([kept.vmwareId]);
    const mine = z
      .object({ items: z.array(z.object({ vmId: z.string(), status: z.string() }).loose()) })
      .parse(await alice.query("vms.list", {}));
    expect(mine.items.find((v) => v.vmId === adopted.vmId)?.status).toBe("READY");

    // and it acts like any VM: alice powers it off, the agent does it under the new marker
    await alice.mutation("vms.powerOff", { vmId: adopted.vmId, idempotencyKey: crypto.randomUUID() });
    await expect
      .poll(async () => (await vcsim.vmsOf(adopted.vmId))[0]?.powerState, { timeout: 20_000 })
      .toBe("poweredOff");
  });
});
