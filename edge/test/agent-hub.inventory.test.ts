import { env } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { splitInventory } from "@gantry/shared/protocol/inventory-parts";
import { utf8Length } from "@gantry/shared/protocol/utf8";
import { MAX_AGENT_FRAME_BYTES } from "@gantry/shared/protocol/version";
import { describe, expect, it } from "vitest";
import { enrolledAgent, freshSite, helloAgent, hubOf, type TestAgent } from "./agent-support.ts";
import { callerFor } from "./support/callers.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant } from "./support/test-tenant.ts";

const DAY_MS = 86_400_000;

/** A report with `folders` VM folders, `pools` pools, `networks` networks and `templates` templates. */
function inventory(input: {
  folders: number;
  pools?: number;
  networks?: number;
  templates?: number;
  collectedAt?: string;
  tag?: string;
}): InventoryReport {
  const n = (count: number | undefined) => Array.from({ length: count ?? 0 }, (_, i) => i);
  const tag = input.tag ?? "a";
  return {
    collectedAt: input.collectedAt ?? new Date().toISOString(),
    vcenter: { apiVersion: "8.0", fullName: `vcsim ${tag}` },
    datacenters: [{ path: "/DC0", name: "DC0" }],
    templates: n(input.templates).map((i) => ({
      path: `/DC0/vm/templates/t-${i}`,
      name: `t-${i}`,
      cpu: 2,
      memoryMb: 2048,
      diskGb: 10,
    })),
    networks: n(input.networks).map((i) => ({
      path: `/DC0/network/DVPG-${i}`,
      name: `DVPG-${i}`,
      kind: "distributed" as const,
    })),
    folders: n(input.folders).map((i) => ({
      path: `/DC0/vm/${tag}/department-${i}`,
      name: `department-${i}`,
    })),
    datastores: [{ path: "/DC0/datastore/LocalDS_0", name: "LocalDS_0", capacityGb: 100, freeGb: 50 }],
    pools: n(input.pools).map((i) => ({
      path: `/DC0/host/DC0_C0/Resources/RP-${i}`,
      name: `RP-${i}`,
      kind: "pool" as const,
    })),
  };
}

/** Sends a report the way a protocol-2 agent does; resolves once every part is acknowledged. */
async function sendParts(agent: TestAgent, report: InventoryReport, only?: number[]) {
  const parts = splitInventory(report);
  const reportId = crypto.randomUUID();
  for (const [index, part] of parts.entries()) {
    if (only && !only.includes(index)) continue;
    const body = { type: "inventory.part" as const, reportId, index, total: parts.length, part };
    expect(utf8Length(JSON.stringify({ v: 2, id: crypto.randomUUID(), ...body }))).toBeLessThan(
      MAX_AGENT_FRAME_BYTES,
    );
    agent.send(body);
    await agent.next("ack");
  }
  return { reportId, parts };
}

describe("AgentHub inventory in parts (protocol 2)", () => {
  it("takes a vCenter of 5,000 folders, 1,000 pools, 500 networks and 500 templates in bounded frames", async () => {
    const siteId = freshSite("bigvc");
    const { agent, welcome } = await helloAgent((await enrolledAgent(siteId)).credential, {
      protocols: [2, 1],
    });
    expect(welcome.protocol).toBe(2);
    const report = inventory({ folders: 5000, pools: 1000, networks: 500, templates: 500 });
    const { parts } = await sendParts(agent, report);
    expect(parts.length).toBeGreaterThan(5);
    const cached = await hubOf(siteId).inventory();
    expect(cached?.report).toEqual(report);
    // the socket is still open and usable
    agent.send({ type: "lease.renew", leases: [], capacity: 1, draining: false });
    await agent.next("lease.renewed");
    expect((await hubOf(siteId).status()).counters).toMatchObject({ inventory_reports: 1 });
  });

  it("replaces the site's report only once every part of the new one arrived; a report cut off never does", async () => {
    const siteId = freshSite("partial");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { protocols: [2] });
    const first = inventory({ folders: 3000, tag: "first" });
    await sendParts(agent, first);
    const second = inventory({ folders: 3000, tag: "second" });
    const total = splitInventory(second).length;
    // all parts but the last: the first report stays
    await sendParts(
      agent,
      second,
      Array.from({ length: total - 1 }, (_, i) => i),
    );
    expect((await hubOf(siteId).inventory())?.report.vcenter.fullName).toBe("vcsim first");
    // the agent starts over (a reconnect): the unfinished report is dropped, the new one replaces the first
    const third = inventory({ folders: 3000, tag: "third" });
    await sendParts(agent, third);
    expect((await hubOf(siteId).inventory())?.report).toEqual(third);
  });

  it("refuses a part that disagrees with its report's other parts, keeping the current report", async () => {
    const siteId = freshSite("disagree");
    const { agent } = await helloAgent((await enrolledAgent(siteId)).credential, { protocols: [2] });
    const kept = inventory({ folders: 10, tag: "kept" });
    await sendParts(agent, kept);
    const reportId = crypto.randomUUID();
    agent.send({ type: "inventory.part", reportId, index: 0, total: 3, part: { folders: [] } });
    await agent.next("ack");
    const refused = agent.send({ type: "inventory.part", reportId, index: 1, total: 2, part: {} });
    expect(await agent.next("error")).toMatchObject({ code: "MALFORMED_FRAME", ref: refused });
    expect((await hubOf(siteId).inventory())?.report).toEqual(kept);
  });

  it("serves a protocol-1 agent's whole report beside a protocol-2 agent's parts", async () => {
    const siteId = freshSite("mixed");
    const old = await helloAgent((await enrolledAgent(siteId, "v1-agent")).credential, { protocols: [1] });
    expect(old.welcome.protocol).toBe(1);
    const fromOld = inventory({ folders: 5, tag: "v1" });
    old.agent.send({ type: "inventory.report", seq: 1, report: fromOld });
    await old.agent.next("ack");
    expect((await hubOf(siteId).inventory())?.report).toEqual(fromOld);

    const current = await helloAgent((await enrolledAgent(siteId, "v2-agent")).credential, {
      protocols: [2, 1],
    });
    expect(current.welcome.protocol).toBe(2);
    const fromNew = inventory({ folders: 5, tag: "v2" });
    await sendParts(current.agent, fromNew);
    expect((await hubOf(siteId).inventory())?.report).toEqual(fromNew);
  });
});

describe("inventory reports are ordered by edge time", () => {
  it("lets a later report replace one from an agent whose clock runs a day ahead", async () => {
    const t = await createTestTenant(env.DB);
    const ahead = await helloAgent((await enrollTenantAgent(t, "fast-clock")).credential);
    const fromFast = inventory({
      folders: 1,
      tag: "fast",
      collectedAt: new Date(Date.now() + DAY_MS).toISOString(),
    });
    ahead.agent.send({ type: "inventory.report", seq: 1, report: fromFast });
    await ahead.agent.next("ack");

    const right = await helloAgent((await enrollTenantAgent(t, "right-clock")).credential);
    const fromRight = inventory({ folders: 2, tag: "right" });
    right.agent.send({ type: "inventory.report", seq: 1, report: fromRight });
    await right.agent.next("ack");

    const cached = await hubOf(t.siteId).inventory();
    expect(cached?.report.vcenter.fullName).toBe("vcsim right");
    // what the site settings show as "reported at" is the edge's time, not either agent's
    const shown = await callerFor(t.admin, testWorkflow()).sites.inventory({ siteId: t.siteId });
    expect(Date.parse(shown?.receivedAt ?? "")).toBeLessThanOrEqual(Date.now());
  });
});
