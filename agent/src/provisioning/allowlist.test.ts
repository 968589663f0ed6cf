import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { describe, expect, it } from "vitest";
import { findAllowlistViolation, pathAllowed } from "./allowlist.ts";

const job: ProvisionVmJob = {
  kind: "provision-vm",
  jobId: "job-1",
  requestId: "req-1",
  tenantSlug: "acme",
  projectSlug: "web",
  vmName: "web-web-01",
  hostname: "web-01",
  cpu: 2,
  memoryMb: 2048,
  diskGb: 20,
  networkPath: "/DC0/network/DC0_DVPG0",
  placement: {
    datacenterPath: "/DC0",
    templatePath: "/DC0/vm/templates/ubuntu",
    folderPath: "/DC0/vm/gantry",
    poolPath: "/DC0/host/DC0_C0/Resources",
  },
  annotation: "",
};

describe("pathAllowed", () => {
  it("matches whole segments only", () => {
    expect(pathAllowed("/DC0/vm/gantry/acme", ["/DC0/vm/gantry"])).toBe(true);
    expect(pathAllowed("/DC0/vm/gantry", ["/DC0/vm/gantry/"])).toBe(true);
    expect(pathAllowed("/DC0/vm/gantry-old", ["/DC0/vm/gantry"])).toBe(false);
  });

  it("allows anything without a list and nothing with an empty one", () => {
    expect(pathAllowed("/DC0/vm/x", undefined)).toBe(true);
    expect(pathAllowed("/DC0/vm/x", [])).toBe(false);
  });

  it("rejects dot segments and empty segments even without a list", () => {
    expect(pathAllowed("/DC0/vm/gantry/../other", ["/DC0/vm/gantry"])).toBe(false);
    expect(pathAllowed("/DC0//vm", undefined)).toBe(false);
  });
});

describe("findAllowlistViolation", () => {
  it("passes a job inside every configured prefix", () => {
    expect(
      findAllowlistViolation(job, {
        datacenters: ["/DC0"],
        templates: ["/DC0/vm/templates"],
        folders: ["/DC0/vm/gantry"],
        pools: ["/DC0/host/DC0_C0"],
        networks: ["/DC0/network"],
      }),
    ).toBeUndefined();
  });

  it("names the first path outside the allowlist", () => {
    expect(findAllowlistViolation(job, { networks: ["/DC0/network/VM Network"] })).toEqual({
      kind: "networks",
      path: "/DC0/network/DC0_DVPG0",
    });
    expect(
      findAllowlistViolation(
        { ...job, placement: { ...job.placement, datastorePath: "/DC0/datastore/big" } },
        { datastores: ["/DC0/datastore/LocalDS_0"] },
      ),
    ).toEqual({ kind: "datastores", path: "/DC0/datastore/big" });
  });
});
