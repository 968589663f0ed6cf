import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import { type MoRef, refOf, type SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { watchTask, watchVm } from "./test-support/waits.ts";
import { at } from "./test-support/xml-tree.ts";

// what the launcher adds for VM actions after READY: guest shutdown and reboot through Tools, the
// hot-add rules of a running VM's reconfigure, config changes told to watchers, snapshots' power state

// long enough that a loaded machine sets up its watch before the guest changes state
const BOOT_MS = 800;
const SHUTDOWN_MS = 1000;

let vcsim: VcsimHandle;
let session: SoapSession;
let inv: Inventory;
let clones = 0;

beforeAll(async () => {
  vcsim = await startTestVcsim({ guestBootDelayMs: BOOT_MS, guestShutdownDelayMs: SHUTDOWN_MS });
  session = await loggedIn(vcsim);
  inv = await inventory(session, vcsim.templatePath);
});
afterAll(async () => {
  session?.close();
  await vcsim?.stop();
});

/** A fresh running VM whose guest has booted (Tools running, an address). */
async function runningVm(): Promise<MoRef> {
  const vm = (
    await watchTask(session, await startClone(session, inv, { name: `act-${++clones}`, powerOn: true }))
  ).result;
  if (!vm) throw new Error("clone failed");
  await watchVm(session, vm, (s) => s["guest.toolsRunningStatus"] === "guestToolsRunning");
  return vm;
}

async function task(method: string, self: MoRef, inner = "") {
  const ref = refOf(at(await session.ok(method, self, inner), "returnval"));
  if (!ref) throw new Error(`${method} returned no task`);
  return watchTask(session, ref);
}

const reconfigure = (vm: MoRef, spec: string) => task("ReconfigVM_Task", vm, `<spec>${spec}</spec>`);

describe("guest shutdown and reboot through VMware Tools", () => {
  it("answers ShutdownGuest at once and powers the VM off once the guest has stopped", async () => {
    const vm = await runningVm();
    const asked = Date.now();
    const reply = await session.call("ShutdownGuest", vm);
    expect(reply.status).toBe(200);
    expect((await vcsim.control.vm({ moref: vm.value })).powerState).toBe("poweredOn");
    const off = await watchVm(session, vm, (s) => s["runtime.powerState"] === "poweredOff");
    expect(Date.now() - asked).toBeGreaterThanOrEqual(SHUTDOWN_MS);
    expect(off["guest.toolsRunningStatus"]).toBe("guestToolsNotRunning");
  });

  it("leaves a guest that ignores shutdown running", async () => {
    const vm = await runningVm();
    await vcsim.control.guest({ moref: vm.value }, { ignoresShutdown: true });
    expect((await session.call("ShutdownGuest", vm)).status).toBe(200);
    await expect(
      watchVm(session, vm, (s) => s["runtime.powerState"] === "poweredOff", SHUTDOWN_MS * 4),
    ).rejects.toThrow(/no final state/);
    expect((await vcsim.control.vm({ moref: vm.value })).powerState).toBe("poweredOn");
  });

  it("refuses ShutdownGuest and RebootGuest with ToolsUnavailable when Tools does not run", async () => {
    const vm = await runningVm();
    await vcsim.control.guest({ moref: vm.value }, { noTools: true });
    expect((await session.call("ShutdownGuest", vm)).fault).toBe("ToolsUnavailable");
    expect((await session.call("RebootGuest", vm)).fault).toBe("ToolsUnavailable");
    expect((await vcsim.control.vm({ moref: vm.value })).powerState).toBe("poweredOn");
  });

  it("refuses ShutdownGuest on a VM that is off with InvalidPowerState", async () => {
    const vm = await runningVm();
    expect((await task("PowerOffVM_Task", vm)).state).toBe("success");
    expect((await session.call("ShutdownGuest", vm)).fault).toBe("InvalidPowerState");
  });

  it("reboots the guest on RebootGuest: Tools go away and come back, the VM stays on", async () => {
    const vm = await runningVm();
    expect((await session.call("RebootGuest", vm)).status).toBe(200);
    const down = await watchVm(session, vm, (s) => s["guest.toolsRunningStatus"] === "guestToolsNotRunning");
    expect(down["runtime.powerState"] ?? "poweredOn").toBe("poweredOn");
    await watchVm(session, vm, (s) => s["guest.toolsRunningStatus"] === "guestToolsRunning");
    expect((await vcsim.control.vm({ moref: vm.value })).powerState).toBe("poweredOn");
  });
});

describe("reconfiguring a running VM", () => {
  it("refuses more CPUs or memory without hot-add, and takes them with it", async () => {
    const vm = await runningVm();
    const refused = await reconfigure(vm, "<numCPUs>4</numCPUs>");
    expect([refused.state, refused.fault]).toEqual(["error", "InvalidPowerState"]);
    expect((await reconfigure(vm, "<memoryMB>4096</memoryMB>")).fault).toBe("InvalidPowerState");
    expect((await vcsim.control.vm({ moref: vm.value })).numCPU).not.toBe(4);

    await reconfigure(
      vm,
      "<cpuHotAddEnabled>true</cpuHotAddEnabled><memoryHotAddEnabled>true</memoryHotAddEnabled>",
    );
    expect((await reconfigure(vm, "<numCPUs>4</numCPUs><memoryMB>4096</memoryMB>")).state).toBe("success");
    const after = await vcsim.control.vm({ moref: vm.value });
    expect([after.numCPU, after.memoryMB, after.cpuHotAddEnabled]).toEqual([4, 4096, true]);
    // less memory needs the VM off, hot-add or not
    expect((await reconfigure(vm, "<memoryMB>2048</memoryMB>")).fault).toBe("InvalidPowerState");
  });

  it("tells watchers of config.hardware.numCPU, memoryMB and name what a reconfigure changed", async () => {
    const vm = await runningVm();
    expect((await task("PowerOffVM_Task", vm)).state).toBe("success");
    const collector = await session.createCollector();
    try {
      await session.createFilter(collector, vm, [
        "config.hardware.numCPU",
        "config.hardware.memoryMB",
        "name",
      ]);
      const first = await session.waitForUpdates(collector, "", 1);
      expect(
        (await reconfigure(vm, "<name>act-renamed</name><numCPUs>3</numCPUs><memoryMB>3072</memoryMB>"))
          .state,
      ).toBe("success");
      const next = await session.waitForUpdates(collector, first.version, 5);
      expect(Object.fromEntries(next.changes.map((c) => [c.name, c.val?.text]))).toMatchObject({
        "config.hardware.numCPU": "3",
        "config.hardware.memoryMB": "3072",
        name: "act-renamed",
      });
    } finally {
      await session.ok("DestroyPropertyCollector", collector);
    }
  });
});

describe("snapshots", () => {
  const snapshot = (vm: MoRef, name: string, memory: boolean) =>
    task(
      "CreateSnapshot_Task",
      vm,
      `<name>${name}</name><description>test</description><memory>${memory}</memory><quiesce>false</quiesce>`,
    );

  it("records a running VM's snapshot as poweredOn only when it kept the memory", async () => {
    const vm = await runningVm();
    expect((await snapshot(vm, "with-memory", true)).state).toBe("success");
    expect((await snapshot(vm, "disk-only", false)).state).toBe("success");
    const { snapshots } = await vcsim.control.vm({ moref: vm.value });
    expect(snapshots.map((s) => [s.name, s.state])).toEqual([
      ["with-memory", "poweredOn"],
      ["disk-only", "poweredOff"],
    ]);
  });

  it("reverts the VM's CPUs, memory and power state to the snapshot's", async () => {
    const vm = await runningVm();
    const taken = await snapshot(vm, "before", false);
    if (!taken.result) throw new Error("no snapshot");
    const then = await vcsim.control.vm({ moref: vm.value });
    await task("PowerOffVM_Task", vm);
    expect((await reconfigure(vm, "<numCPUs>6</numCPUs><memoryMB>6144</memoryMB>")).state).toBe("success");
    await task("PowerOnVM_Task", vm);

    expect((await task("RevertToSnapshot_Task", taken.result)).state).toBe("success");
    const reverted = await vcsim.control.vm({ moref: vm.value });
    // the snapshot kept no memory: the VM comes back off, with the hardware it had then
    expect([reverted.powerState, reverted.numCPU, reverted.memoryMB]).toEqual([
      "poweredOff",
      then.numCPU,
      then.memoryMB,
    ]);
    expect(then.numCPU).not.toBe(6);
  });
});
