import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VmActionJob } from "@gantry/shared/jobs/vm-action-job";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm, runAction } from "./fixture.ts";

// What each VM action costs in SOAP calls on a warm session (the login is the session's, not the
// action's), counted by the simulator itself. The guest-wait loops (shutdown, restart, power on's
// address) are property-collector waits, not polls, so the counts do not grow with the wait.
describe("SOAP round trips per VM action", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;

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

  /** Runs one job and answers the SOAP calls it made, per method and in all. */
  async function cost(job: VmActionJob) {
    await vcsim.control.resetCounts();
    const { result } = await runAction(client, job);
    if (!result.ok)
      throw new Error(`${job.kind} failed: ${result.error.code} ${result.error.technicalDetail}`);
    const counts = await vcsim.control.counts();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { total, counts };
  }

  it("stays small for every action: a handful of calls each, never a login", async () => {
    const vm = await gantryVm(client);
    const figures: Record<string, { total: number; counts: Record<string, number> }> = {};
    const run = async (label: string, job: VmActionJob) => {
      figures[label] = await cost(job);
    };
    await run("restart", actionJob("vm.restart", vm, { timeoutSeconds: 30 }));
    await run("power-off", actionJob("vm.power-off", vm, {}));
    await run("power-on", actionJob("vm.power-on", vm, {}));
    await run("shutdown-guest", actionJob("vm.shutdown-guest", vm, { timeoutSeconds: 30 }));
    await run("power-on (again)", actionJob("vm.power-on", vm, {}));
    await run(
      "snapshot-create",
      actionJob("vm.snapshot-create", vm, { name: "measured", withMemory: false }),
    );
    const snapshotId = (await vcsim.control.vm({ moref: vm.vmwareId })).snapshots[0]?.moref ?? "";
    await run("snapshot-revert", actionJob("vm.snapshot-revert", vm, { snapshotId }));
    await run("snapshot-delete", actionJob("vm.snapshot-delete", vm, { snapshotId }));
    await run(
      "resize (off, cpu+mem+disk)",
      actionJob("vm.resize", vm, {
        cpu: 2,
        memoryMb: 2048,
        diskGb: 20,
        powerCycle: false,
        powerStateBefore: "poweredOff",
        timeoutSeconds: 30,
      }),
    );
    await run("delete", actionJob("vm.delete", vm, {}));
    console.info(
      JSON.stringify({
        soapRoundTripsPerAction: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.total])),
        calls: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.counts])),
      }),
    );
    // the graceful paths ran: no fallback to a power off or a reset
    expect(figures.restart?.counts.ResetVM_Task ?? 0).toBe(0);
    expect(figures["shutdown-guest"]?.counts.PowerOffVM_Task ?? 0).toBe(0);
    for (const [label, figure] of Object.entries(figures)) {
      // a warm session: no action logs in again
      expect(figure.counts.Login ?? 0, label).toBe(0);
      expect(figure.total, label).toBeGreaterThan(0);
      expect(figure.total, label).toBeLessThanOrEqual(16);
    }
  });
});
