import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { describe, expect, it } from "vitest";
import { VsphereFault } from "../../vsphere/faults.ts";
import { toFailure } from "./classify.ts";
import { ProvisioningStop } from "./provisioning-stop.ts";

const job = {
  vmName: "shop-web-01",
  placement: { poolPath: "/DC0/host/DC0_C0", templatePath: "/DC0/vm/tmpl" },
} as ProvisionVmJob;

const fault = (name: string, source: "soap" | "task" | "transport" = "task") =>
  new VsphereFault({ name, message: `${name} happened`, source });

const map = (err: unknown, extra: { cancelled?: boolean; cleanupFailed?: boolean } = {}) =>
  toFailure(err, {
    job,
    attempts: 3,
    cleanupFailed: extra.cleanupFailed ?? false,
    step: "clone",
    cancelled: extra.cancelled,
  });

describe("toFailure", () => {
  it.each([
    ["InsufficientMemoryResourcesFault", "INSUFFICIENT_RESOURCES"],
    ["NoPermission", "NO_PERMISSION"],
    ["InvalidLogin", "INVALID_LOGIN"],
    ["DuplicateName", "NAME_CONFLICT"],
    ["InvalidDeviceSpec", "INVALID_SPEC"],
    ["InvalidArgument", "INVALID_SPEC"],
    ["NicSettingMismatch", "INVALID_SPEC"],
    ["ManagedObjectNotFound", "PLACEMENT_NOT_FOUND"],
    ["TaskInProgress", "VCENTER_BUSY"],
    ["HostNotConnected", "VCENTER_BUSY"],
    ["NotAuthenticated", "VCENTER_UNREACHABLE"],
    ["GenericVmConfigFault", "TASK_FAILED"],
  ])("maps %s to %s", (name, code) => {
    expect(map(fault(name)).code).toBe(code);
  });

  it("maps transport failures to VCENTER_UNREACHABLE", () => {
    expect(map(fault("ConnectionError", "transport")).code).toBe("VCENTER_UNREACHABLE");
    expect(map(fault("TlsError", "transport")).code).toBe("VCENTER_UNREACHABLE");
  });

  it("writes a plain sentence for the user and the details for admins", () => {
    const failure = map(fault("InsufficientCpuResourcesFault"), { cleanupFailed: true });
    expect(failure.userMessage).toBe(
      "vCenter has not enough resources in /DC0/host/DC0_C0 for this VM; an admin has been told.",
    );
    expect(failure.technicalDetail).toContain(
      "InsufficientCpuResourcesFault: InsufficientCpuResourcesFault happened",
    );
    expect(failure.technicalDetail).toContain("CLEANUP FAILED");
    expect(failure).toMatchObject({ attempts: 3, retriable: false, cleanupFailed: true });
    expect(ProvisioningFailure.safeParse(failure).success).toBe(true);
  });

  it("keeps the code of our own stops and reports lost leases and cancels as such", () => {
    const stop = new ProvisioningStop({
      code: "NAME_CONFLICT",
      userMessage: "taken",
      detail: "vm-1 foreign",
    });
    expect(map(stop)).toMatchObject({ code: "NAME_CONFLICT", userMessage: "taken", retriable: false });
    const lease = Object.assign(new Error("lease expired"), { name: "LeaseLostError" });
    expect(map(lease)).toMatchObject({ code: "LEASE_LOST", retriable: true });
    expect(map(new Error("whatever"), { cancelled: true }).code).toBe("CANCELLED");
    expect(map(new TypeError("bug")).code).toBe("UNKNOWN");
  });
});
