import { MARKER_REQUEST_ID } from "@gantry/agent/provisioning/vm-marker";
import { DEFAULT_SIZES, VmSpec } from "@gantry/shared/domain/vm-size";
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
// not the site's default (DC0_DVPG0, which the template's NIC is already on), so the agent must move
// the NIC; and a size unlike the template's 1 vCPU / 32 MB / 1 MB disk, so nothing passes by accident
const NETWORK = { path: "/DC0/network/VM Network", name: "VM Network" };
const SIZE = "S";
// 198.18.0.0/15: the launcher's guest address range
const TEST_RANGE = /^198\.1[89]\.\d{1,3}\.\d{1,3}$/;
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
const Detail = z
  .object({
    request: z
      .object({
        status: z.string(),
        spec: VmSpec,
        vm: z
          .object({
            vmwareId: z.string(),
            vmName: z.string(),
            hostname: z.string(),
            ipAddress: z.string().nullable(),
          })
          .loose()
          .nullable(),
      })
      .loose(),
  })
  .loose();
const Networks = z.object({ networks: z.array(z.object({ path: z.string() }).loose()) }).loose();

describe("the request workflow over the link", () => {
  it("an approved request is pushed to the enrolled agent and ends READY with the VM it asked for", async () => {
    const stateDir = await enrollNewAgent("workflow", edge.url, tokens[0] ?? "");
    agent = startAgent({ name: "workflow", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");

    const alice = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const adam = await BrowserSession.signIn(edge.url, "adam@acme.test");
    // the form offers a site's networks once its agent has reported the inventory (on connect)
    await expect
      .poll(
        async () =>
          Networks.parse(await alice.query("catalog.networks", { projectId })).networks.map((n) => n.path),
        { timeout: 20_000 },
      )
      .toContain(NETWORK.path);
    const created = Created.parse(
      await alice.mutation("requests.create", {
        idempotencyKey: crypto.randomUUID(),
        projectId,
        name: "linktest01",
        size: SIZE,
        networkPath: NETWORK.path,
        justification: "process-level test of the agent link",
      }),
    );
    await adam.mutation("approvals.approve", {
      requestId: created.requestId,
      expectedVersion: created.version,
    });
    await agent.waitForLog("job started");
    // pushed on the socket the agent already had: it never reconnected to fetch it (how quickly it arrives
    // is a figure of `npm run bench`, not a test)
    expect(agent.proc.tail()).not.toMatch(/disconnected from edge|reconnecting/);
    await agent.waitForLog("job finished");
    const readDetail = async () =>
      Detail.parse(await alice.query("requests.get", { requestId: created.requestId })).request;
    await expect.poll(async () => (await readDetail()).status, { timeout: 15_000 }).toBe("READY");
    const request = await readDetail();

    // the VM as VCSIM holds it, not as the agent or the edge describe it
    const marked = await vcsim.vmsOf(created.requestId);
    expect(marked).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
    const vm = await vcsim.handle.control.vm({ moref: marked[0]?.moref ?? "" });
    // the tenant's default catalogue's S, as the request snapshotted it at submission
    const spec = DEFAULT_SIZES.find((s) => s.code === SIZE)?.spec ?? { cpu: 0, memoryGb: 0, diskGb: 0 };
    expect(request.spec).toEqual(spec);
    expect({ numCPU: vm.numCPU, memoryMB: vm.memoryMB }).toEqual({
      numCPU: spec.cpu,
      memoryMB: spec.memoryGb * 1024,
    });
    expect(vm.disks.map((d) => d.capacityInKB)).toEqual([spec.diskGb * 1024 * 1024]);
    expect(vm.nics.map((n) => n.network)).toEqual([NETWORK.name]);
    expect(vm.extraConfig[MARKER_REQUEST_ID]).toBe(created.requestId);
    expect(vm.guest.hostName).toBe("linktest01");
    expect(vm.guest.ipAddress).toMatch(TEST_RANGE);
    expect(request.vm).toMatchObject({
      vmwareId: vm.moref,
      vmName: vm.name,
      hostname: vm.guest.hostName,
      ipAddress: vm.guest.ipAddress,
    });
  });
});
