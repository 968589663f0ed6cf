import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { fieldOfMessage, optionsFor, savedValues, toUpdate } from "./site-form.ts";

const report: InventoryReport = {
  collectedAt: "2026-11-22T10:00:00Z",
  vcenter: { apiVersion: "8.0", fullName: "VMware vCenter Server 8.0 (simulator)" },
  datacenters: [
    { path: "/DC0", name: "DC0" },
    { path: "/DC1", name: "DC1" },
  ],
  templates: [
    { path: "/DC0/vm/ubuntu", name: "ubuntu", cpu: 2, memoryMb: 2048, diskGb: 20 },
    { path: "/DC1/vm/rhel", name: "rhel", cpu: 2, memoryMb: 4096, diskGb: 40 },
  ],
  networks: [{ path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" }],
  folders: [{ path: "/DC0/vm", name: "vm" }],
  datastores: [{ path: "/DC0/datastore/ds0", name: "ds0", capacityGb: 100, freeGb: 42.4 }],
  pools: [{ path: "/DC0/host/C0/Resources", name: "Resources", kind: "cluster" }],
};

describe("optionsFor", () => {
  it("narrows choices to the chosen datacenter and labels them", () => {
    const options = optionsFor(report, "/DC0");
    expect(options.templatePath).toEqual([{ path: "/DC0/vm/ubuntu", label: "ubuntu (2 vCPU, 2 GB, 20 GB)" }]);
    expect(options.datastorePath[0]?.label).toBe("ds0 (42 of 100 GB free)");
    expect(options.datacenterPath).toHaveLength(2);
  });

  it("offers everything before a datacenter is chosen", () => {
    expect(optionsFor(report, "").templatePath).toHaveLength(2);
  });
});

describe("toUpdate", () => {
  it("builds the update and leaves an unchosen datastore out", () => {
    const values = {
      ...savedValues(null, null),
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/C0/Resources",
      networkPath: "/DC0/network/VM Network",
    };
    expect(toUpdate("site-1", values)).toEqual({
      ok: true,
      value: {
        siteId: "site-1",
        placement: {
          datacenterPath: "/DC0",
          templatePath: "/DC0/vm/ubuntu",
          folderPath: "/DC0/vm",
          poolPath: "/DC0/host/C0/Resources",
        },
        networkPath: "/DC0/network/VM Network",
      },
    });
  });

  it("names the first missing required field", () => {
    expect(toUpdate("site-1", { ...savedValues(null, null), datacenterPath: "/DC0" })).toEqual({
      ok: false,
      field: "templatePath",
    });
  });
});

describe("fieldOfMessage", () => {
  it("finds the field a server message is about", () => {
    expect(fieldOfMessage("placement.templatePath: /x is not in the site's vCenter inventory")).toBe(
      "templatePath",
    );
    expect(fieldOfMessage("networkPath: /n is not in the site's vCenter inventory")).toBe("networkPath");
    expect(fieldOfMessage("no agent connected")).toBeNull();
  });
});
