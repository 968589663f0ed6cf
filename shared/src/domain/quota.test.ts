import { describe, expect, it } from "vitest";
import { amountsOf, growthOf, leftOf, shortfallOf, shortfallText, UNLIMITED } from "./quota.ts";

describe("quota arithmetic", () => {
  const used = { vcpu: 12, memoryGb: 24, diskGb: 300, vms: 3 };

  it("names the first limit a need breaks, with what is left (never below zero)", () => {
    const limits = { ...UNLIMITED, vcpu: 16, vms: 3 };
    expect(shortfallOf(limits, used, amountsOf({ cpu: 8, memoryGb: 16, diskGb: 200 }))).toEqual({
      resource: "vcpu",
      limit: 16,
      left: 4,
      needs: 8,
    });
    expect(
      shortfallOf({ ...UNLIMITED, vms: 2 }, used, amountsOf({ cpu: 1, memoryGb: 1, diskGb: 1 })),
    ).toEqual({ resource: "vms", limit: 2, left: 0, needs: 1 });
    // unlimited, or nothing needed of a resource (a resize adds no VM): fits
    expect(shortfallOf(UNLIMITED, used, amountsOf({ cpu: 64, memoryGb: 1, diskGb: 1 }))).toBeNull();
    expect(
      shortfallOf(
        { ...UNLIMITED, vms: 3 },
        used,
        growthOf({ cpu: 2, memoryGb: 4, diskGb: 50 }, { cpu: 4, memoryGb: 8, diskGb: 100 }),
      ),
    ).toBeNull();
  });

  it("says it in one sentence, and what is left per resource", () => {
    expect(
      shortfallText({ kind: "project", name: "Data" }, { resource: "vcpu", limit: 16, left: 4, needs: 8 }),
    ).toBe("Project Data allows 16 vCPU; 4 are left, this request needs 8");
    expect(
      shortfallText(
        { kind: "tenant", name: "Acme" },
        { resource: "memoryGb", limit: 64, left: 1, needs: 8 },
        "this resize",
      ),
    ).toBe("Tenant Acme allows 64 GB of memory; 1 GB is left, this resize needs 8 GB");
    expect(leftOf({ ...UNLIMITED, diskGb: 200 }, used)).toEqual({
      vcpu: null,
      memoryGb: null,
      diskGb: 0,
      vms: null,
    });
  });
});
