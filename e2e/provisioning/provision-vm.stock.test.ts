import { provisionVm } from "@gantry/agent/provisioning/provision-vm";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { readVmState } from "@gantry/agent/vsphere/vm-state";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { fakeJobContext, testJob } from "./fixture.ts";

// the plain library ignores the clone spec's hardware: the CONFIGURING check must notice and fix it
describe("provisionVm against stock vcsim (no emulation)", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ stock: true });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("reconfigures what the clone did not apply, then powers on", async () => {
    const job = testJob({ cpu: 4, memoryMb: 4096 });
    const ctx = fakeJobContext();
    const counter = new RoundTripCounter();
    const outcome = await provisionVm(client, job, ctx, { counter, networkWaitMs: 300 });
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    if (!outcome.ok) return;
    expect(counter.byMethod.get("ReconfigVM_Task")).toBe(1);
    expect(ctx.lines.some((l) => l.includes("did not apply the clone's configuration"))).toBe(true);
    const vm = await readVmState(client.scope(), { type: "VirtualMachine", value: outcome.value.vmwareId });
    expect(vm).toMatchObject({ numCpu: 4, memoryMb: 4096, powerState: "poweredOn" });
    expect(vm?.hardware.disks[0]?.capacityKb).toBe(job.diskGb * 1024 * 1024);
    // stock guests never report tools or an address
    expect(outcome.value).toMatchObject({ ipAddress: null, warning: expect.stringMatching(/no IP address/) });
  });
});
