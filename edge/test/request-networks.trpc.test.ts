import { env } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { emptyReport, reportingAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

const caller = createCallerFactory(appRouter);

const report: InventoryReport = {
  ...emptyReport(),
  networks: [
    { path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" },
    { path: "/DC0/network/DC0_DVPG0", name: "DC0_DVPG0", kind: "distributed" },
  ],
};

async function tenantWithReportingAgent(): Promise<TestTenant> {
  const t = await createTestTenant(env.DB);
  await reportingAgent(t, report);
  return t;
}

const request = (t: TestTenant, networkPath?: string) => ({
  idempotencyKey: crypto.randomUUID(),
  projectId: t.projectId,
  name: "net-01",
  size: "S" as const,
  justification: "network choice test",
  ...(networkPath === undefined ? {} : { networkPath }),
});

describe("network choice on a request", () => {
  it("offers the networks the project's site agent reported, with the site default", async () => {
    const t = await tenantWithReportingAgent();
    const networks = await caller(createContextInner({ env, principal: t.member })).catalog.networks({
      projectId: t.projectId,
    });
    expect(networks).toEqual({
      projectId: t.projectId,
      defaultPath: "/DC0/network/DC0_DVPG0",
      networks: report.networks,
      reportedAt: report.collectedAt,
    });
  });

  it("offers only the site default while no agent has reported an inventory", async () => {
    const t = await createTestTenant(env.DB);
    const networks = await caller(createContextInner({ env, principal: t.member })).catalog.networks({
      projectId: t.projectId,
    });
    expect(networks).toMatchObject({ defaultPath: "/DC0/network/DC0_DVPG0", networks: [], reportedAt: null });
  });

  it("answers another tenant's project as not found", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await expect(
      caller(createContextInner({ env, principal: t.member })).catalog.networks({
        projectId: other.projectId,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("provisions on the picked network once approved", async () => {
    const t = await tenantWithReportingAgent();
    const wf = testWorkflow();
    const as = (principal: TestTenant["member"]) =>
      caller(createContextInner({ env, principal, deps: wf.deps }));
    const created = await as(t.member).requests.create(request(t, "/DC0/network/VM Network"));
    await as(t.admin).approvals.approve({ requestId: created.requestId, expectedVersion: created.version });
    await wf.settle();
    expect(
      wf.dispatcher.calls.map((d) => (d.job.kind === "provision-vm" ? d.job.networkPath : d.job.kind)),
    ).toEqual(["/DC0/network/VM Network"]);
  });

  it("refuses a network the site does not offer, naming the field, and stores nothing", async () => {
    const t = await tenantWithReportingAgent();
    const input = request(t, "/DC0/network/Somebody Else");
    const attempt = caller(createContextInner({ env, principal: t.member })).requests.create(input);
    await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST", message: /networkPath/ });
    // the error formatter turns a ZodError cause into `data.fields`, which the form puts at the field
    const cause = await attempt.catch((e: Error) => e.cause);
    expect(cause).toBeInstanceOf(ZodError);
    expect((cause as ZodError).issues.map((i) => i.path)).toEqual([["networkPath"]]);
    const list = await caller(createContextInner({ env, principal: t.member })).requests.list({});
    expect(list.items).toHaveLength(0);
  });

  it("shows the requested network on the request, in the lists and in the admin's queue", async () => {
    const t = await tenantWithReportingAgent();
    const as = (principal: TestTenant["member"]) => caller(createContextInner({ env, principal }));
    const picked = await as(t.member).requests.create({
      ...request(t, "/DC0/network/VM Network"),
      name: "net-02",
    });
    const byDefault = await as(t.member).requests.create({ ...request(t), name: "net-03" });
    const detail = await as(t.member).requests.get({ requestId: picked.requestId });
    expect(detail.request.network).toEqual({ path: "/DC0/network/VM Network", siteDefault: false });
    expect(detail.timeline[0]?.detail).toMatch(/on network VM Network$/);
    // left to the site: the site's default network now
    const queue = await as(t.admin).approvals.pending({});
    expect(queue.items.find((r) => r.requestId === byDefault.requestId)?.network).toEqual({
      path: "/DC0/network/DC0_DVPG0",
      siteDefault: true,
    });
    const mine = await as(t.member).requests.list({});
    expect(mine.items.map((r) => r.network.path).sort()).toEqual([
      "/DC0/network/DC0_DVPG0",
      "/DC0/network/VM Network",
    ]);
  });

  it("offers no uplink portgroup, even from an agent that still reports one", async () => {
    const t = await createTestTenant(env.DB);
    const uplink = {
      path: "/DC0/network/DVS0-DVUplinks-9",
      name: "DVS0-DVUplinks-9",
      kind: "distributed" as const,
    };
    await reportingAgent(t, { ...report, networks: [...report.networks, uplink] });
    const member = caller(createContextInner({ env, principal: t.member }));
    const networks = await member.catalog.networks({ projectId: t.projectId });
    expect(networks.networks.map((n) => n.name)).toEqual(["VM Network", "DC0_DVPG0"]);
    await expect(member.requests.create(request(t, uplink.path))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const inventory = await caller(createContextInner({ env, principal: t.admin })).sites.inventory({
      siteId: t.siteId,
    });
    expect(inventory?.report.networks.map((n) => n.name)).toEqual(["VM Network", "DC0_DVPG0"]);
  });
});
