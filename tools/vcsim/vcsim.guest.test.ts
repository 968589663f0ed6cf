import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import { type MoRef, refOf, type SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { watchTask, watchVm } from "./test-support/waits.ts";
import { at, kids } from "./test-support/xml-tree.ts";

// long enough that a busy machine still reads the guest before it boots (1 s was not: a fresh-clone CI run,
// all packages testing at once, read it booted)
const BOOT_MS = 3000;
// 198.18.0.0/15: the benchmarking range, never a real host
const BENCHMARK_RANGE = /^198\.1[89]\.\d{1,3}\.\d{1,3}$/;
const LINK_LOCAL_V4 = /^169\.254\.\d{1,3}\.\d{1,3}$/;
const LINK_LOCAL_V6 = /^fe80::[0-9a-f:]+$/;

async function power(session: SoapSession, vm: MoRef, method: "PowerOnVM_Task" | "PowerOffVM_Task") {
  const task = refOf(at(await session.ok(method, vm), "returnval"));
  if (!task) throw new Error(`${method} returned no task`);
  return watchTask(session, task);
}

describe("guest boot emulation", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let inv: Inventory;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: BOOT_MS });
    session = await loggedIn(vcsim);
    inv = await inventory(session, vcsim.templatePath);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("reports tools running and an IP only after the boot delay, seen through WaitForUpdatesEx", async () => {
    const started = Date.now();
    const vm = (await watchTask(session, await startClone(session, inv, { name: "boot-1", powerOn: true })))
      .result;
    if (!vm) throw new Error("clone failed");
    const early = await session.retrieve(vm, ["guest.toolsRunningStatus", "runtime.powerState"]);
    expect(early.get("runtime.powerState")?.text).toBe("poweredOn");
    expect(early.get("guest.toolsRunningStatus")?.text).toBe("guestToolsNotRunning");

    const state = await watchVm(
      session,
      vm,
      (s) => s["guest.toolsRunningStatus"] === "guestToolsRunning" && Boolean(s["guest.ipAddress"]),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(BOOT_MS);
    expect(state["guest.ipAddress"]).toMatch(BENCHMARK_RANGE);
    const guest = await session.retrieve(vm, [
      "guest.toolsStatus",
      "guest.guestState",
      "guest.net",
      "guest.hostName",
    ]);
    expect(guest.get("guest.toolsStatus")?.text).toBe("toolsOk");
    expect(guest.get("guest.guestState")?.text).toBe("running");
    expect(guest.get("guest.hostName")?.text).toBe("boot-1");
    expect(at(guest.get("guest.net"), "GuestNicInfo", "ipAddress")?.text).toBe(state["guest.ipAddress"]);
  });

  it("clears the guest at power-off and boots it again, with the same lease, at power-on", async () => {
    const vm = (await watchTask(session, await startClone(session, inv, { name: "boot-2", powerOn: true })))
      .result;
    if (!vm) throw new Error("clone failed");
    const up = await watchVm(session, vm, (s) => Boolean(s["guest.ipAddress"]));

    expect((await power(session, vm, "PowerOffVM_Task")).state).toBe("success");
    const off = await session.retrieve(vm, ["guest.toolsRunningStatus", "guest.ipAddress"]);
    expect(off.get("guest.toolsRunningStatus")?.text).toBe("guestToolsNotRunning");
    expect(off.get("guest.ipAddress")?.text ?? "").toBe("");

    expect((await power(session, vm, "PowerOnVM_Task")).state).toBe("success");
    const again = await watchVm(session, vm, (s) => s["guest.toolsRunningStatus"] === "guestToolsRunning");
    expect(again["guest.ipAddress"]).toBe(up["guest.ipAddress"]);
  });

  it("gives concurrently booted clones distinct addresses", async () => {
    const vms = await Promise.all(
      ["many-1", "many-2", "many-3"].map(async (name) => {
        const vm = (await watchTask(session, await startClone(session, inv, { name, powerOn: true }))).result;
        if (!vm) throw new Error("clone failed");
        return vm;
      }),
    );
    const ips = await Promise.all(
      vms.map(
        async (vm) => (await watchVm(session, vm, (s) => Boolean(s["guest.ipAddress"])))["guest.ipAddress"],
      ),
    );
    expect(new Set(ips).size).toBe(3);
  });

  it("reports only link-local addresses for guestLinkLocalMs after boot, then the real one", async () => {
    const LINK_LOCAL_MS = 1500;
    await vcsim.control.settings({ guestLinkLocalMs: LINK_LOCAL_MS });
    try {
      const started = Date.now();
      const vm = (
        await watchTask(session, await startClone(session, inv, { name: "dhcp-late", powerOn: true }))
      ).result;
      if (!vm) throw new Error("clone failed");
      const nicAddresses = async () =>
        kids(
          at((await session.retrieve(vm, ["guest.net"])).get("guest.net"), "GuestNicInfo"),
          "ipAddress",
        ).map((a) => a.text);

      const booted = await watchVm(session, vm, (s) => s["guest.toolsRunningStatus"] === "guestToolsRunning");
      expect(booted["guest.ipAddress"]).toMatch(LINK_LOCAL_V4);
      const early = await nicAddresses();
      expect(early).toEqual([booted["guest.ipAddress"], expect.stringMatching(LINK_LOCAL_V6)]);

      const leased = await watchVm(session, vm, (s) => BENCHMARK_RANGE.test(s["guest.ipAddress"] ?? ""));
      expect(Date.now() - started).toBeGreaterThanOrEqual(BOOT_MS + LINK_LOCAL_MS);
      // the IPv6 link-local address stays, listed after the real one, as on a real guest
      expect(await nicAddresses()).toEqual([leased["guest.ipAddress"], early[1]]);
    } finally {
      await vcsim.control.settings({ guestLinkLocalMs: 0 });
    }
  });

  it("uses the boot delay set at run time", async () => {
    await vcsim.control.settings({ guestBootDelayMs: 0 });
    try {
      const vm = (await watchTask(session, await startClone(session, inv, { name: "boot-0", powerOn: true })))
        .result;
      if (!vm) throw new Error("clone failed");
      const state = await watchVm(session, vm, (s) => Boolean(s["guest.ipAddress"]), 2_000);
      expect(state["guest.toolsRunningStatus"]).toBe("guestToolsRunning");
    } finally {
      await vcsim.control.settings({ guestBootDelayMs: BOOT_MS });
    }
  });
});
