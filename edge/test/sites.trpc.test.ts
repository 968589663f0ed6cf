import { env } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { describeWait } from "../src/agent-hub/wait-reason.ts";
import { checkAgainstInventory } from "../src/tenancy/sites.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { enroll, helloAgent, type TestAgent } from "./agent-support.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

const caller = createCallerFactory(appRouter);
const as = (principal: TestTenant["admin"]) => caller(createContextInner({ env, principal }));

const report: InventoryReport = {
  collectedAt: "2026-11-22T10:00:00.000Z",
  vcenter: { apiVersion: "8.0", fullName: "vcsim" },
  datacenters: [{ path: "/DC0", name: "DC0" }],
  templates: [{ path: "/DC0/vm/ubuntu", name: "ubuntu", cpu: 2, memoryMb: 2048, diskGb: 20 }],
  networks: [{ path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" }],
  folders: [{ path: "/DC0/vm", name: "vm" }],
  datastores: [{ path: "/DC0/datastore/LocalDS_0", name: "LocalDS_0", capacityGb: 100, freeGb: 50 }],
  pools: [{ path: "/DC0/host/DC0_C0", name: "DC0_C0", kind: "cluster" }],
};
const settings = (siteId: string) => ({
  siteId,
  networkPath: "/DC0/network/VM Network",
  placement: {
    datacenterPath: "/DC0",
    templatePath: "/DC0/vm/ubuntu",
    folderPath: "/DC0/vm",
    poolPath: "/DC0/host/DC0_C0",
  },
});

async function siteWithAgent(): Promise<{ t: TestTenant; agent: TestAgent }> {
  const t = await createTestTenant(env.DB);
  const token = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
  const { credential } = await (await enroll(token.token)).json<{ credential: string }>();
  const { agent } = await helloAgent(credential, {
    calls: ["vm.status", "vcenter.test", "inventory.refresh"],
  });
  agent.send({ type: "inventory.report", seq: 1, report });
  await agent.next("ack");
  return { t, agent };
}

describe("sites router", () => {
  it("serves the inventory the site's agent reported to admins only", async () => {
    const { t } = await siteWithAgent();
    expect(await as(t.admin).sites.inventory({ siteId: t.siteId })).toMatchObject({
      report: { templates: [{ name: "ubuntu" }] },
    });
    // a member picks a network from what the project offers (catalog), never the whole vCenter
    await expect(as(t.member).sites.inventory({ siteId: t.siteId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("updates placement picked from the inventory", async () => {
    const { t } = await siteWithAgent();
    const updated = await as(t.admin).sites.update(settings(t.siteId));
    expect(updated).toMatchObject({
      placement: { templatePath: "/DC0/vm/ubuntu" },
      networkPath: "/DC0/network/VM Network",
    });
    expect(await as(t.admin).sites.get({ siteId: t.siteId })).toMatchObject({
      placement: { poolPath: "/DC0/host/DC0_C0" },
    });
  });

  it("keeps how people reach the site's VMs, which the site's requests then show", async () => {
    const { t } = await siteWithAgent();
    const updated = await as(t.admin).sites.update({
      ...settings(t.siteId),
      dnsDomain: "Lab.Acme.test",
      loginUser: "ubuntu",
    });
    expect(updated).toMatchObject({ dnsDomain: "lab.acme.test", loginUser: "ubuntu" });
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect((await callerFor(t.member, w).requests.get({ requestId })).access).toEqual({
      dnsDomain: "lab.acme.test",
      loginUser: "ubuntu",
    });
    // left out, both are cleared; a value a shell would misread is refused
    expect(await as(t.admin).sites.update(settings(t.siteId))).toMatchObject({
      dnsDomain: null,
      loginUser: null,
    });
    await expect(
      as(t.admin).sites.update({ ...settings(t.siteId), loginUser: "root; reboot" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("rejects a placement path the inventory does not have, naming the field", async () => {
    const { t } = await siteWithAgent();
    const bad = settings(t.siteId);
    bad.placement.templatePath = "/DC0/vm/windows";
    await expect(as(t.admin).sites.update(bad)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("placement.templatePath"),
    });
  });

  it("refuses an update before any inventory arrived, and a member", async () => {
    const t = await createTestTenant(env.DB);
    await expect(as(t.admin).sites.update(settings(t.siteId))).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    await expect(as(t.member).sites.update(settings(t.siteId))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("tests the vCenter connection through the agent and names what failed", async () => {
    const { t, agent } = await siteWithAgent();
    const pending = as(t.admin).sites.testConnection({ siteId: t.siteId });
    const call = await agent.next("call");
    expect(call.call).toMatchObject({ method: "vcenter.test" });
    agent.send({
      type: "call.result",
      ref: call.id,
      result: {
        method: "vcenter.test",
        outcome: {
          ok: true,
          value: {
            checks: [
              { name: "reachable", ok: true, detail: "ok" },
              { name: "login", ok: false, detail: "InvalidLogin", hint: "check the password" },
            ],
          },
        },
      },
    });
    expect(await pending).toMatchObject({ ok: false, failed: ["login"] });
  });

  it("has the agent read the inventory now and answers with the fresh report", async () => {
    const { t, agent } = await siteWithAgent();
    const pending = as(t.admin).sites.refreshInventory({ siteId: t.siteId });
    const call = await agent.next("call");
    expect(call.call).toEqual({ method: "inventory.refresh" });
    const fresh = {
      ...report,
      collectedAt: "2026-11-22T11:00:00.000Z",
      networks: [...report.networks, { path: "/DC0/network/db", name: "db", kind: "standard" as const }],
    };
    // the way the agent answers: its report first, then the call's result
    agent.send({ type: "inventory.report", seq: 2, report: fresh });
    agent.send({
      type: "call.result",
      ref: call.id,
      result: {
        method: "inventory.refresh",
        outcome: { ok: true, value: { collectedAt: fresh.collectedAt } },
      },
    });
    expect(await pending).toMatchObject({
      report: { collectedAt: fresh.collectedAt, networks: fresh.networks },
    });
    expect(await as(t.admin).sites.inventory({ siteId: t.siteId })).toMatchObject({
      report: { collectedAt: fresh.collectedAt },
    });
    // reports are ordered by the hub's clock, never the agent's: the one that arrived last is current
    // (an agent reads and sends one report at a time, so the last to arrive is also its newest read)
    const later = { ...report, collectedAt: "2026-11-22T10:59:00.000Z" };
    agent.send({ type: "inventory.report", seq: 3, report: later });
    await agent.next("ack");
    expect(await as(t.admin).sites.inventory({ siteId: t.siteId })).toMatchObject({
      report: { collectedAt: later.collectedAt, networks: report.networks },
    });
    await expect(as(t.member).sites.refreshInventory({ siteId: t.siteId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("asks only an agent that answers the call: an older one is named, not waited for", async () => {
    const t = await createTestTenant(env.DB);
    const token = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { credential } = await (await enroll(token.token)).json<{ credential: string }>();
    // an agent from before `calls` in hello: it answers the first release's calls only
    const { agent } = await helloAgent(credential);
    await expect(as(t.admin).sites.refreshInventory({ siteId: t.siteId })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("can do this yet (inventory.refresh)"),
    });
    const testing = as(t.admin).sites.testConnection({ siteId: t.siteId });
    const call = await agent.next("call");
    expect(call.call).toMatchObject({ method: "vcenter.test" });
    agent.send({
      type: "call.result",
      ref: call.id,
      result: { method: "vcenter.test", outcome: { ok: true, value: { checks: [] } } },
    });
    expect(await testing).toMatchObject({ ok: true });
  });

  it("says why the inventory could not be read", async () => {
    const { t, agent } = await siteWithAgent();
    const pending = as(t.admin).sites.refreshInventory({ siteId: t.siteId });
    const call = await agent.next("call");
    agent.send({
      type: "call.result",
      ref: call.id,
      result: {
        method: "inventory.refresh",
        outcome: { ok: false, error: { code: "CALL_FAILED", message: "NoPermission on /DC0/network" } },
      },
    });
    await expect(pending).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "the agent could not read the vCenter inventory: NoPermission on /DC0/network",
    });
    const none = await createTestTenant(env.DB);
    await expect(as(none.admin).sites.refreshInventory({ siteId: none.siteId })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("no agent connected"),
    });
  });

  it("says no agent is connected when testing a site without one", async () => {
    const t = await createTestTenant(env.DB);
    await expect(as(t.admin).sites.testConnection({ siteId: t.siteId })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("no agent connected"),
    });
  });

  it("hides another tenant's site", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await expect(as(t.admin).sites.get({ siteId: other.siteId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(as(t.admin).sites.inventory({ siteId: other.siteId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("does not read live VM status of a request that is not the caller's", async () => {
    const t = await createTestTenant(env.DB);
    await expect(as(t.member).vms.status({ requestId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("checkAgainstInventory and describeWait", () => {
  it("accepts paths the report has and names the first it lacks", () => {
    expect(checkAgainstInventory(settings("s"), report)).toEqual({ ok: true, value: undefined });
    const bad = { ...settings("s"), networkPath: "/DC0/network/none" };
    expect(checkAgainstInventory(bad, report)).toEqual({
      ok: false,
      error: { code: "NOT_IN_INVENTORY", field: "networkPath", path: "/DC0/network/none" },
    });
  });

  it("says since when no agent is connected", () => {
    expect(describeWait({ code: "NO_AGENT_CONNECTED", since: "2026-11-22T10:04:31.000Z" }, "Acme lab")).toBe(
      "no agent connected for site Acme lab since 10:04 UTC",
    );
    expect(describeWait({ code: "AGENTS_AT_CAPACITY", connected: 2 }, "X")).toBe(
      "all 2 agent(s) of site X are busy",
    );
  });
});
