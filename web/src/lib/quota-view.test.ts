import type { QuotaLeft } from "@gantry/shared/api/quotas";
import { UNLIMITED } from "@gantry/shared/domain/quota";
import { describe, expect, it } from "vitest";
import { leftSummary, sizeRefusal, usageCell } from "./quota-view.ts";

const none = { vcpu: 0, memoryGb: 0, diskGb: 0, vms: 0 };
const left = (project: Partial<typeof UNLIMITED>, tenant: Partial<typeof UNLIMITED> = {}): QuotaLeft => ({
  project: {
    name: "Data",
    limits: { ...UNLIMITED, ...project },
    used: { vcpu: 12, memoryGb: 24, diskGb: 300, vms: 3 },
    requested: { ...none, vcpu: 4 },
  },
  tenant: {
    name: "Acme",
    limits: { ...UNLIMITED, ...tenant },
    used: { vcpu: 20, memoryGb: 40, diskGb: 500, vms: 5 },
    requested: none,
  },
});

describe("the request form's quota", () => {
  it("shows the tighter of project and tenant per limited resource, nothing when unlimited", () => {
    expect(leftSummary(left({ vcpu: 16 }, { vcpu: 22, vms: 10 }))).toBe("Left in Data: 2 vCPU, 5 VMs");
    expect(leftSummary(left({}))).toBeNull();
  });

  it("refuses a size in the edge's words, the project's limit first", () => {
    const l = { cpu: 8, memoryGb: 16, diskGb: 200 };
    expect(sizeRefusal(left({ vcpu: 16 }), l)).toBe(
      "Project Data allows 16 vCPU; 4 are left, this request needs 8",
    );
    expect(sizeRefusal(left({}, { memoryGb: 48 }), l)).toBe(
      "Tenant Acme allows 48 GB of memory; 8 GB are left, this request needs 16 GB",
    );
    expect(sizeRefusal(left({ vcpu: 20 }), l)).toBeNull();
  });

  it("reads used / requested / limit in a settings cell", () => {
    expect(usageCell(left({ vcpu: 16 }).project, "vcpu")).toBe("12 / 4 / 16");
    expect(usageCell(left({}).project, "vms")).toBe("3 / 0 / unlimited");
  });
});
