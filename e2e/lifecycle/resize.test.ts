import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm, runAction } from "./fixture.ts";

const GB_KB = 1024 * 1024;

describe("resizing a VM against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  const read = (moref: string) => vcsim.control.vm({ moref });
  const resize = (
    vm: Awaited<ReturnType<typeof gantryVm>>,
    spec: { cpu: number; memoryMb: number; diskGb: number; powerCycle: boolean },
  ) => actionJob("vm.resize", vm, { ...spec, powerStateBefore: "poweredOn", timeoutSeconds: 30 });

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 100, guestShutdownDelayMs: 100 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("refuses a running VM without hot-add unless the owner agreed to a power cycle, saying why", async () => {
    const vm = await gantryVm(client);
    const refused = await runAction(
      client,
      resize(vm, { cpu: 2, memoryMb: 2048, diskGb: 20, powerCycle: false }),
    );
    expect(refused.result).toMatchObject({ ok: false, error: { code: "POWER_CYCLE_REQUIRED" } });
    expect(refused.result.ok ? "" : refused.result.error.userMessage).toMatch(
      /CPU hot-add is off.*memory hot-add is off/,
    );
    expect(await read(vm.vmwareId)).toMatchObject({ numCPU: 1, memoryMB: 1024, powerState: "poweredOn" });
  });

  it("with consent shuts it down, changes CPU, memory and disk, and powers it on again", async () => {
    const vm = await gantryVm(client);
    const done = await runAction(
      client,
      resize(vm, { cpu: 2, memoryMb: 2048, diskGb: 20, powerCycle: true }),
    );
    expect(done.steps).toEqual(["SHUTTING_DOWN_GUEST", "RECONFIGURING", "POWERING_ON"]);
    expect(done.result).toMatchObject({
      ok: true,
      value: { facts: { cpu: 2, memoryMb: 2048, diskGb: 20, powerState: "poweredOn" } },
    });
    const after = await read(vm.vmwareId);
    expect([after.numCPU, after.memoryMB, after.disks[0]?.capacityInKB, after.powerState]).toEqual([
      2,
      2048,
      20 * GB_KB,
      "poweredOn",
    ]);
  });

  it("changes a VM with hot-add while it runs, no power cycle", async () => {
    const vm = await gantryVm(client);
    const soap = await loggedIn(vcsim);
    try {
      await soap.ok(
        "ReconfigVM_Task",
        { type: "VirtualMachine", value: vm.vmwareId },
        "<spec><cpuHotAddEnabled>true</cpuHotAddEnabled><memoryHotAddEnabled>true</memoryHotAddEnabled></spec>",
      );
    } finally {
      soap.close();
    }
    const done = await runAction(
      client,
      resize(vm, { cpu: 4, memoryMb: 4096, diskGb: 30, powerCycle: false }),
    );
    expect(done.steps).toEqual(["RECONFIGURING"]);
    expect(await read(vm.vmwareId)).toMatchObject({ numCPU: 4, memoryMB: 4096, powerState: "poweredOn" });
  });

  it("never shrinks a disk: DISK_SHRINK_REFUSED, the VM as it was", async () => {
    const vm = await gantryVm(client, { diskGb: 20 });
    const refused = await runAction(
      client,
      resize(vm, { cpu: 1, memoryMb: 1024, diskGb: 10, powerCycle: true }),
    );
    expect(refused.result).toMatchObject({ ok: false, error: { code: "DISK_SHRINK_REFUSED" } });
    expect((await read(vm.vmwareId)).disks[0]?.capacityInKB).toBe(20 * GB_KB);
  });

  it("a re-run after a crash between the shutdown and the change finishes it and powers the VM on", async () => {
    const vm = await gantryVm(client);
    // the first run's shutdown happened; then the agent died
    await runAction(client, actionJob("vm.power-off", vm, {}));
    const resumed = await runAction(
      client,
      resize(vm, { cpu: 2, memoryMb: 2048, diskGb: 10, powerCycle: true }),
    );
    expect(resumed.steps).toEqual(["RECONFIGURING", "POWERING_ON"]);
    expect(await read(vm.vmwareId)).toMatchObject({ numCPU: 2, memoryMB: 2048, powerState: "poweredOn" });
  });
});
