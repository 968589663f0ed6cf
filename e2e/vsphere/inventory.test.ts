import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { collectInventory } from "@gantry/agent/vsphere/inventory";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJobContext, testJob } from "../provisioning/fixture.ts";
import { clientFor, startTestVcsim } from "./fixture.ts";

describe("collectInventory against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  let report: InventoryReport;
  const counter = new RoundTripCounter();

  beforeAll(async () => {
    vcsim = await startTestVcsim();
    client = clientFor(vcsim);
    await client.connect();
    report = await collectInventory(client, { counter });
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("is a valid InventoryReport collected in four round trips after login", () => {
    expect(InventoryReport.safeParse(report).success).toBe(true);
    expect(counter.snapshot().byMethod).toEqual({
      CreateContainerView: 1,
      RetrievePropertiesEx: 2,
      DestroyView: 1,
    });
    expect(report.vcenter.apiVersion).toMatch(/^\d+\.\d+/);
  });

  it("lists the datacenter, the VM folders and the template with its hardware", () => {
    expect(report.datacenters).toEqual([{ path: "/DC0", name: "DC0" }]);
    expect(report.folders).toContainEqual({ path: "/DC0/vm", name: "vm" });
    expect(report.folders.some((f) => f.path === "/DC0/host" || f.path === "/DC0/network")).toBe(false);
    const template = report.templates.find((t) => t.path === vcsim.templatePath);
    expect(template).toMatchObject({ name: "ubuntu-22.04-tmpl", diskGb: 10 });
    expect(template?.cpu).toBeGreaterThan(0);
    expect(template?.memoryMb).toBeGreaterThan(0);
    expect(report.templates.every((t) => t.path.startsWith("/DC0/vm/"))).toBe(true);
  });

  it("tells standard from distributed networks", () => {
    expect(report.networks).toContainEqual({
      path: "/DC0/network/VM Network",
      name: "VM Network",
      kind: "standard",
    });
    expect(report.networks).toContainEqual({
      path: "/DC0/network/DC0_DVPG0",
      name: "DC0_DVPG0",
      kind: "distributed",
    });
    expect(report.networks.some((n) => n.name === "DVS0")).toBe(false);
  });

  it("leaves out the distributed switch's uplink portgroup, which no VM can attach to", () => {
    // the simulator (our launcher) marks DVS0-DVUplinks-<n> as vCenter does: config.uplink and its tag
    expect(report.networks.filter((n) => n.name.includes("DVUplinks"))).toEqual([]);
    expect(report.networks.filter((n) => n.kind === "distributed").map((n) => n.name)).toEqual(["DC0_DVPG0"]);
  });

  it("reports datastore capacity and free space, and clusters, hosts and child pools", () => {
    const ds = report.datastores.find((d) => d.path === "/DC0/datastore/LocalDS_0");
    expect(ds?.capacityGb).toBeGreaterThan(0);
    expect(ds?.freeGb).toBeGreaterThan(0);
    expect(ds?.freeGb).toBeLessThanOrEqual(ds?.capacityGb ?? 0);
    expect(report.pools).toContainEqual({ path: "/DC0/host/DC0_C0", name: "DC0_C0", kind: "cluster" });
    expect(report.pools).toContainEqual({ path: "/DC0/host/DC0_H0", name: "DC0_H0", kind: "host" });
    expect(report.pools.some((p) => p.name === "Resources")).toBe(false);
  });

  it("fails with the fault when the session cannot log in", async () => {
    const bad = clientFor(vcsim, { config: { password: "nope-nope" } });
    await expect(collectInventory(bad)).rejects.toMatchObject({ name: "InvalidLogin" });
    await bad.close();
  });

  it("never reports negative free space, even on an overcommitted datastore", async () => {
    // a 60 TiB thin disk: the simulator subtracts it from the datastore's free space, below zero
    const big = testJob({ diskGb: 61_440, hostname: "overcommit" });
    const provisioned = await provisionVm(client, big, fakeJobContext(), { networkWaitMs: 5_000 });
    expect(provisioned.ok).toBe(true);
    const after = await collectInventory(client);
    expect(InventoryReport.safeParse(after).success).toBe(true);
    expect(after.datastores.find((d) => d.name === "LocalDS_0")?.freeGb).toBe(0);
  });
});
