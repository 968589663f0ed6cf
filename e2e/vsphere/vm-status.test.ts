import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { findByInventoryPath } from "@gantry/agent/vsphere/methods/find-by-inventory-path";
import { readVmStatus } from "@gantry/agent/vsphere/vm-status";
import { VmLiveStatus } from "@gantry/shared/jobs/inventory";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJobContext, testJob } from "../provisioning/fixture.ts";
import { clientFor, startTestVcsim } from "./fixture.ts";

describe("readVmStatus against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("reads power, tools, address and hostname of a provisioned VM in one round trip", async () => {
    const job = testJob({ hostname: "status-01" });
    const outcome = await provisionVm(client, job, fakeJobContext());
    if (!outcome.ok) throw new Error(outcome.error.technicalDetail);
    const before = client.roundTrips.total;
    const status = await readVmStatus(client, outcome.value.vmwareId);
    expect(client.roundTrips.total - before).toBe(1);
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    expect(VmLiveStatus.safeParse(status.value).success).toBe(true);
    expect(status.value).toMatchObject({
      vmwareId: outcome.value.vmwareId,
      powerState: "poweredOn",
      toolsRunning: true,
      ipAddress: outcome.value.ipAddress,
      hostname: "status-01",
    });
  });

  it("reads a powered-off template as off, without tools or address", async () => {
    const template = await findByInventoryPath(client.scope(), vcsim.templatePath);
    const status = await readVmStatus(client, template?.value ?? "");
    expect(status).toMatchObject({
      ok: true,
      value: { powerState: "poweredOff", toolsRunning: false, ipAddress: null },
    });
  });

  it("answers VM_NOT_FOUND for an unknown id", async () => {
    expect(await readVmStatus(client, "vm-does-not-exist")).toEqual({
      ok: false,
      error: { code: "VM_NOT_FOUND", vmwareId: "vm-does-not-exist" },
    });
  });
});
