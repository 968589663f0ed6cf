import { DriftCollector } from "@gantry/agent/drift/drift-collector";
import { DriftWatch } from "@gantry/agent/drift/drift-watch";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { refOf, type SoapSession } from "@gantry/vcsim/test-support/soap-session";
import { loggedIn } from "@gantry/vcsim/test-support/start";
import { at } from "@gantry/vcsim/test-support/xml-tree";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createForeignVm } from "../provisioning/inventory-helpers.ts";
import { clientFor, memoryLogger, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm as provision, runAction } from "./fixture.ts";

// the agent's drift watch against the simulator: someone changes Gantry's VMs directly in vCenter
describe("drift watch against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  let admin: SoapSession;
  let watch: DriftWatch;
  const frames: VmObservation[][] = [];
  const seen: VmObservation[] = [];
  let waiters: (() => void)[] = [];
  const logs = memoryLogger();

  /** Resolves with the first observation (after `from`) that matches. */
  async function observed(match: (o: VmObservation) => boolean, from = 0, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = seen.slice(from).find(match);
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `no matching observation within ${timeoutMs} ms; saw ${JSON.stringify(seen.slice(from))}; log ${JSON.stringify(logs.lines.slice(-40))}`,
        );
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /**
   * A VM provisioned as the agent's job loop would run the job: the drift watch holds the VM meanwhile
   * (keyed by the request id, as the job is), so provisioning's own changes are not reported.
   */
  async function gantryVm(c: VsphereClient) {
    const requestId = `req-held-${crypto.randomUUID().slice(0, 8)}`;
    watch.hold(requestId);
    try {
      return await provision(c, { requestId });
    } finally {
      watch.release(requestId);
    }
  }

  /** A watch over the simulator whose frames the test keeps, each acked at once as the edge would. */
  function watchWith(minIntervalMs: number): DriftWatch {
    const drift: DriftWatch = new DriftWatch({
      collector: new DriftCollector(client, logs.log),
      settings: { minIntervalMs, maxWaitSeconds: 2 },
      log: logs.log,
      send: (body) => {
        if (body.type !== "vm.observed") return null;
        const id = crypto.randomUUID();
        frames.push(body.observations);
        seen.push(...body.observations);
        for (const w of waiters.splice(0)) w();
        queueMicrotask(() => drift.onFrame({ v: 3, id: crypto.randomUUID(), type: "ack", ref: id }));
        return id;
      },
    });
    drift.start();
    drift.welcomed(3);
    return drift;
  }

  /**
   * A direct vCenter call, as an operator in the vSphere client would make it. Without task delays the
   * simulator's task has ended when the call returns; its outcome is read, not watched (watching would
   * add WaitForUpdatesEx calls of its own).
   */
  async function behindGantrysBack(method: string, vmwareId: string, inner = "") {
    const task = refOf(
      at(await admin.ok(method, { type: "VirtualMachine", value: vmwareId }, inner), "returnval"),
    );
    if (!task) throw new Error(`${method} returned no task`);
    expect((await admin.retrieve(task, ["info.state"])).get("info.state")?.text).toBe("success");
  }

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 100 });
    client = clientFor(vcsim);
    admin = await loggedIn(vcsim);
    watch = watchWith(100);
  });
  afterAll(async () => {
    await watch?.stop();
    admin?.close();
    await client?.close();
    await vcsim?.stop();
    waiters = [];
  });

  it("reports each VM of ours once, and nothing of anyone else's", async () => {
    const ours = await gantryVm(client);
    const foreign = await createForeignVm(client, "/DC0/vm", `not-ours-${Date.now().toString(36)}`);
    const first = await observed((o) => o.vmwareId === ours.vmwareId);
    expect(first).toMatchObject({
      kind: "seen",
      requestId: ours.requestId,
      facts: { name: ours.vmName, cpu: 1, memoryMb: 1024 },
    });
    await behindGantrysBack("PowerOffVM_Task", foreign.value);
    const mark = seen.length;
    await behindGantrysBack("PowerOffVM_Task", ours.vmwareId);
    await observed(
      (o) => o.vmwareId === ours.vmwareId && o.kind === "seen" && o.facts.powerState === "poweredOff",
      mark,
    );
    expect(seen.some((o) => o.vmwareId === foreign.value)).toBe(false);
  });

  it("notices a power off, a rename, a reconfigure and a destroy made directly in vCenter", async () => {
    const vm = await gantryVm(client);
    await observed((o) => o.vmwareId === vm.vmwareId);
    let mark = seen.length;
    await behindGantrysBack("PowerOffVM_Task", vm.vmwareId);
    await observed(
      (o) => o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.powerState === "poweredOff",
      mark,
    );

    mark = seen.length;
    await behindGantrysBack("Rename_Task", vm.vmwareId, "<newName>renamed-by-hand</newName>");
    await observed(
      (o) => o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.name === "renamed-by-hand",
      mark,
    );

    mark = seen.length;
    await behindGantrysBack(
      "ReconfigVM_Task",
      vm.vmwareId,
      "<spec><numCPUs>6</numCPUs><memoryMB>6144</memoryMB></spec>",
    );
    await observed(
      (o) =>
        o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.cpu === 6 && o.facts.memoryMb === 6144,
      mark,
    );

    mark = seen.length;
    await behindGantrysBack("Destroy_Task", vm.vmwareId);
    expect(await observed((o) => o.vmwareId === vm.vmwareId && o.kind === "gone", mark)).toMatchObject({
      requestId: vm.requestId,
    });
  });

  it("holds a VM while a job of this agent works on it: Gantry's own change is settled, not reported", async () => {
    const vm = await gantryVm(client);
    await observed((o) => o.vmwareId === vm.vmwareId);
    const mark = seen.length;
    watch.hold(vm.requestId);
    await runAction(client, actionJob("vm.power-off", vm, {}));
    // long enough for the watch to have seen the change (its interval is 100 ms)
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen.slice(mark).filter((o) => o.vmwareId === vm.vmwareId)).toEqual([]);
    watch.release(vm.requestId);
    // released, the edge hears what the VM is now (and, knowing the job's outcome, records no drift)
    await observed(
      (o) => o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.powerState === "poweredOff",
      mark,
    );
  });

  it("batches: a burst of changes costs the watch one call per interval, not one per change", async () => {
    const vm = await gantryVm(client);
    await observed((o) => o.vmwareId === vm.vmwareId);
    await behindGantrysBack("PowerOffVM_Task", vm.vmwareId);
    await watch.stop();
    watch = watchWith(1500);
    await observed(
      (o) => o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.powerState === "poweredOff",
    );
    await vcsim.control.resetCounts();
    const mark = seen.length;
    for (let cpu = 2; cpu <= 7; cpu++)
      await behindGantrysBack("ReconfigVM_Task", vm.vmwareId, `<spec><numCPUs>${cpu}</numCPUs></spec>`);
    const last = await observed(
      (o) => o.vmwareId === vm.vmwareId && o.kind === "seen" && o.facts.cpu === 7,
      mark,
    );
    expect(last.kind).toBe("seen");
    // six changes, at most two waits: the one in flight, and the one after the interval that took the rest
    expect((await vcsim.control.counts()).WaitForUpdatesEx ?? 0).toBeLessThanOrEqual(2);
    expect(seen.slice(mark).filter((o) => o.vmwareId === vm.vmwareId).length).toBeLessThanOrEqual(2);
  });
});
