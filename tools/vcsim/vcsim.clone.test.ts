import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { diskEdit, nicEdit, readDevices } from "./test-support/clone-spec.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import { moref, refOf, type SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { watchTask, watchVm } from "./test-support/waits.ts";
import { at, textAt } from "./test-support/xml-tree.ts";

const GIB = 1024 * 1024;

describe("CloneVM_Task emulation", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let inv: Inventory;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 100 });
    session = await loggedIn(vcsim);
    inv = await inventory(session, vcsim.templatePath);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("honours powerOn, CPU, memory, a grown disk, customization, extraConfig and annotation", async () => {
    const before = await readDevices(session, inv.template);
    const task = await startClone(session, inv, {
      name: "web-01",
      annotation: "built by gantry",
      numCPUs: 4,
      memoryMB: 4096,
      deviceChange: diskEdit(before.disk, 20 * GIB),
      locationDeviceChange: nicEdit(before.nic),
      extraConfig: { "guestinfo.gantry.request": "req-1" },
      hostName: "web-01",
      ip: "10.20.30.40",
      powerOn: true,
    });
    const trace = await watchTask(session, task);
    expect(trace.state).toBe("success");
    const vm = trace.result;
    expect(vm?.type).toBe("VirtualMachine");
    if (!vm) return;

    const props = await session.retrieve(vm, [
      "config.hardware.numCPU",
      "config.hardware.memoryMB",
      "config.annotation",
      "config.extraConfig",
      "runtime.powerState",
    ]);
    expect(props.get("config.hardware.numCPU")?.text).toBe("4");
    expect(props.get("config.hardware.memoryMB")?.text).toBe("4096");
    expect(props.get("config.annotation")?.text).toBe("built by gantry");
    const extra = props
      .get("config.extraConfig")
      ?.children.map((o) => [textAt(o, "key"), textAt(o, "value")]);
    expect(extra).toContainEqual(["guestinfo.gantry.request", "req-1"]);
    expect(props.get("runtime.powerState")?.text).toBe("poweredOn");

    const devices = await readDevices(session, vm);
    expect(devices.disk.capacityInKB).toBe(20 * GIB);
    expect(devices.disk.fileName).toBe("[LocalDS_0] web-01/web-01.vmdk");
    expect(devices.mac).toMatch(/^00:50:56:[89ab][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(devices.mac).not.toBe(before.mac);
    expect(await readDevices(session, inv.template)).toEqual(before);

    const guest = await watchVm(session, vm, (s) => s["guest.ipAddress"] === "10.20.30.40");
    expect(guest["guest.toolsRunningStatus"]).toBe("guestToolsRunning");
    const names = await session.retrieve(vm, ["guest.hostName", "summary.guest.ipAddress"]);
    expect(names.get("guest.hostName")?.text).toBe("web-01");
    expect(names.get("summary.guest.ipAddress")?.text).toBe("10.20.30.40");

    expect(await vcsim.control.vm({ name: "web-01" })).toMatchObject({
      moref: vm.value,
      numCPU: 4,
      memoryMB: 4096,
      disks: [{ capacityInKB: 20 * GIB, fileName: "[LocalDS_0] web-01/web-01.vmdk" }],
      nics: [{ macAddress: devices.mac, network: "DC0_DVPG0" }],
      guest: { ipAddress: "10.20.30.40", hostName: "web-01", toolsRunningStatus: "guestToolsRunning" },
      customizationPending: false,
    });
  });

  it("gives every clone its own MAC and leaves it powered off without powerOn", async () => {
    const [a, b] = await Promise.all(
      ["mac-a", "mac-b"].map(
        async (name) => (await watchTask(session, await startClone(session, inv, { name }))).result,
      ),
    );
    if (!a || !b) throw new Error("clones failed");
    const [macA, macB] = await Promise.all([readDevices(session, a), readDevices(session, b)]);
    expect(macA.mac).not.toBe(macB.mac);
    expect((await session.retrieve(a, ["runtime.powerState"])).get("runtime.powerState")?.text).toBe(
      "poweredOff",
    );
  });

  it("fails with DuplicateName when the folder already has a VM of that name", async () => {
    expect((await watchTask(session, await startClone(session, inv, { name: "dup-1" }))).state).toBe(
      "success",
    );
    const second = await watchTask(session, await startClone(session, inv, { name: "dup-1" }));
    expect(second).toMatchObject({ state: "error", fault: "DuplicateName" });
  });

  it("fails with DuplicateName while a clone of that name is still running", async () => {
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 300 } });
    try {
      const first = await startClone(session, inv, { name: "dup-2" });
      const second = await startClone(session, inv, { name: "dup-2" });
      const [a, b] = await Promise.all([watchTask(session, first), watchTask(session, second)]);
      expect(a.state).toBe("success");
      expect(b).toMatchObject({ state: "error", fault: "DuplicateName" });
    } finally {
      await vcsim.control.settings({ taskDelaysMs: {} });
    }
  });

  it("answers a bad folder, pool or datastore moref with ManagedObjectNotFound on the call", async () => {
    const missing = { type: "Folder", value: "group-nope" };
    const reply = await session.call(
      "CloneVM_Task",
      inv.template,
      `${moref("folder", missing)}<name>x</name><spec><location>${moref("pool", inv.pool)}</location></spec>`,
    );
    expect(reply.fault).toBe("ManagedObjectNotFound");
    const badPool = await session.call(
      "CloneVM_Task",
      inv.template,
      `${moref("folder", inv.folder)}<name>x</name><spec><location>${moref("pool", { type: "ResourcePool", value: "resgroup-nope" })}</location></spec>`,
    );
    expect(badPool.fault).toBe("ManagedObjectNotFound");
  });

  it("removes the clone and fails the task when a fix-up fails", async () => {
    const mismatch = await watchTask(
      session,
      await startClone(session, inv, { name: "bad-nics", hostName: "x", adapters: 2 }),
    );
    expect(mismatch).toMatchObject({ state: "error", fault: "NicSettingMismatch" });
    expect(await session.findByPath("/DC0/vm/bad-nics")).toBeUndefined();

    const { disk } = await readDevices(session, inv.template);
    const shrink = await watchTask(
      session,
      await startClone(session, inv, { name: "bad-disk", deviceChange: diskEdit(disk, 1024) }),
    );
    expect(shrink).toMatchObject({ state: "error", fault: "InvalidDeviceSpec" });
    expect(await session.findByPath("/DC0/vm/bad-disk")).toBeUndefined();
  });

  it("fills in a missing deviceInfo on ReconfigVM_Task edits", async () => {
    const vm = (await watchTask(session, await startClone(session, inv, { name: "reconf" }))).result;
    if (!vm) throw new Error("clone failed");
    const { disk } = await readDevices(session, vm);
    const body = await session.ok("ReconfigVM_Task", vm, `<spec>${diskEdit(disk, 30 * GIB)}</spec>`);
    const task = refOf(at(body, "returnval"));
    if (!task) throw new Error("no task");
    expect((await watchTask(session, task)).state).toBe("success");
    expect((await readDevices(session, vm)).disk.capacityInKB).toBe(30 * GIB);
  });

  it("turns a simulator panic into a SystemError fault instead of dropping the connection", async () => {
    // the library type-asserts the folder without checking it exists
    const reply = await session.call(
      "ImportVApp",
      inv.pool,
      '<spec xsi:type="VirtualMachineImportSpec"><configSpec><name>x</name></configSpec></spec>' +
        moref("folder", { type: "Folder", value: "group-nope" }),
    );
    expect(reply.fault).toBe("SystemError");
    expect(textAt(reply.body, "detail", "SystemErrorFault", "reason")).toMatch(/simulator panic/);
  });
});
