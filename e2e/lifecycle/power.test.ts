import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm, runAction } from "./fixture.ts";

// each power action changes the real VM as intended, read back from the simulator, not from the agent
describe("VM power actions against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  const power = async (moref: string) => (await vcsim.control.vm({ moref })).powerState;

  beforeAll(async () => {
    // a guest begins a shutdown or reboot 1.5 s after Tools took the call and stays down 1 s while it
    // reboots (a real one takes longer). The restart watches for Tools going down; a reboot over before
    // that watch's first read, or whose down and up land in one WaitForUpdatesEx answer (which shows only
    // the end state), looks ignored and is reset: with 200 ms / 100 ms it was, under load
    vcsim = await startTestVcsim({ guestBootDelayMs: 1000, guestShutdownDelayMs: 1500 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("powers a VM off and on again, the guest back with an address", async () => {
    const vm = await gantryVm(client);
    const off = await runAction(client, actionJob("vm.power-off", vm, {}));
    expect(off.steps).toEqual(["POWERING_OFF"]);
    expect(off.result).toMatchObject({ ok: true, value: { facts: { powerState: "poweredOff" } } });
    expect(await power(vm.vmwareId)).toBe("poweredOff");

    // a second delivery of the job finds it done and does nothing
    expect((await runAction(client, actionJob("vm.power-off", vm, {}))).steps).toEqual([]);

    const on = await runAction(client, actionJob("vm.power-on", vm, {}));
    expect(on.steps).toEqual(["POWERING_ON", "WAITING_FOR_GUEST"]);
    const facts = on.result.ok ? on.result.value.facts : null;
    expect(facts).toMatchObject({
      powerState: "poweredOn",
      ipAddress: expect.stringMatching(/^198\.1[89]\./),
    });
    expect((await vcsim.control.vm({ moref: vm.vmwareId })).guest.toolsRunningStatus).toBe(
      "guestToolsRunning",
    );
  });

  it("shuts the guest down gracefully when it obeys, telling the fallback's timeout", async () => {
    const vm = await gantryVm(client);
    const done = await runAction(client, actionJob("vm.shutdown-guest", vm, { timeoutSeconds: 30 }));
    expect(done.details).toEqual([{ step: "SHUTTING_DOWN_GUEST", detail: { fallbackAfterSeconds: 30 } }]);
    expect(done.result).toMatchObject({
      ok: true,
      value: { note: null, facts: { powerState: "poweredOff" } },
    });
    expect(await power(vm.vmwareId)).toBe("poweredOff");
  });

  it("powers off a guest that ignores the shutdown once the timeout has passed, and says so", async () => {
    const vm = await gantryVm(client);
    await vcsim.control.guest({ moref: vm.vmwareId }, { ignoresShutdown: true });
    const done = await runAction(client, actionJob("vm.shutdown-guest", vm, { timeoutSeconds: 1 }));
    expect(done.details).toEqual([
      { step: "SHUTTING_DOWN_GUEST", detail: { fallbackAfterSeconds: 1 } },
      { step: "FALLING_BACK_TO_POWER_OFF", detail: { because: "timeout", fallbackAfterSeconds: 1 } },
    ]);
    expect(done.result.ok && done.result.value.note).toMatch(/did not shut down within 1 s/);
    expect(await power(vm.vmwareId)).toBe("poweredOff");
  });

  it("powers off at once when VMware Tools does not run in the guest", async () => {
    const vm = await gantryVm(client);
    await vcsim.control.guest({ moref: vm.vmwareId }, { noTools: true });
    const done = await runAction(client, actionJob("vm.shutdown-guest", vm, { timeoutSeconds: 60 }));
    expect(done.details).toEqual([
      { step: "FALLING_BACK_TO_POWER_OFF", detail: { because: "tools-not-running" } },
    ]);
    expect(await power(vm.vmwareId)).toBe("poweredOff");
  });

  it("restarts the guest through Tools, and resets one that ignores it", async () => {
    const vm = await gantryVm(client);
    const graceful = await runAction(client, actionJob("vm.restart", vm, { timeoutSeconds: 30 }));
    expect(graceful.steps).toEqual(["REBOOTING_GUEST", "WAITING_FOR_GUEST"]);
    expect(graceful.result).toMatchObject({
      ok: true,
      value: { note: null, facts: { powerState: "poweredOn" } },
    });

    await vcsim.control.guest({ moref: vm.vmwareId }, { ignoresReboot: true });
    const counts = await vcsim.control.counts();
    const reset = await runAction(client, actionJob("vm.restart", vm, { timeoutSeconds: 1 }));
    expect(reset.steps).toEqual(["REBOOTING_GUEST", "FALLING_BACK_TO_RESET", "WAITING_FOR_GUEST"]);
    expect(reset.result.ok && reset.result.value.note).toMatch(
      /reset after the guest did not begin restarting/,
    );
    expect(((await vcsim.control.counts()).ResetVM_Task ?? 0) - (counts.ResetVM_Task ?? 0)).toBe(1);
    expect(await power(vm.vmwareId)).toBe("poweredOn");
  });

  it("refuses to restart a VM that is off, touching nothing", async () => {
    const vm = await gantryVm(client);
    await runAction(client, actionJob("vm.power-off", vm, {}));
    const refused = await runAction(client, actionJob("vm.restart", vm, { timeoutSeconds: 30 }));
    expect(refused.result).toMatchObject({ ok: false, error: { code: "INVALID_POWER_STATE" } });
    expect(await power(vm.vmwareId)).toBe("poweredOff");
  });
});
