import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm, runAction } from "./fixture.ts";

describe("snapshots against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  const snapshotsOf = async (moref: string) => (await vcsim.control.vm({ moref })).snapshots;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 100 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("takes a snapshot with memory, and a second delivery of the job adopts it instead of taking another", async () => {
    const vm = await gantryVm(client);
    const job = actionJob("vm.snapshot-create", vm, { name: "before upgrade", withMemory: true });
    const taken = await runAction(client, job);
    expect(taken.steps).toEqual(["CREATING_SNAPSHOT"]);
    const snapshot = taken.result.ok ? taken.result.value.snapshot : null;
    expect(snapshot).toMatchObject({ name: "before upgrade", withMemory: true });
    expect(Date.parse(snapshot?.createdAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

    const again = await runAction(client, job);
    expect(again.steps).toEqual([]);
    expect(again.result.ok && again.result.value.snapshot?.snapshotId).toBe(snapshot?.snapshotId);
    expect(await snapshotsOf(vm.vmwareId)).toEqual([
      { moref: snapshot?.snapshotId, name: "before upgrade", state: "poweredOn" },
    ]);
  });

  it("reverts to a snapshot without memory: the VM's hardware of then, and off", async () => {
    const vm = await gantryVm(client);
    const taken = await runAction(
      client,
      actionJob("vm.snapshot-create", vm, { name: "base", withMemory: false }),
    );
    const snapshotId = taken.result.ok ? (taken.result.value.snapshot?.snapshotId ?? "") : "";
    const resized = actionJob("vm.resize", vm, {
      cpu: 3,
      memoryMb: 3072,
      diskGb: 10,
      powerCycle: true,
      powerStateBefore: "poweredOn",
      timeoutSeconds: 30,
    });
    expect((await runAction(client, resized)).result.ok).toBe(true);

    const reverted = await runAction(client, actionJob("vm.snapshot-revert", vm, { snapshotId }));
    expect(reverted.steps).toEqual(["REVERTING_SNAPSHOT"]);
    expect(reverted.result).toMatchObject({
      ok: true,
      value: { facts: { cpu: 1, memoryMb: 1024, powerState: "poweredOff" } },
    });
    expect(await vcsim.control.vm({ moref: vm.vmwareId })).toMatchObject({
      numCPU: 1,
      memoryMB: 1024,
      powerState: "poweredOff",
    });
  });

  it("deletes a snapshot; deleting it again is done, reverting to it is SNAPSHOT_NOT_FOUND", async () => {
    const vm = await gantryVm(client);
    const taken = await runAction(
      client,
      actionJob("vm.snapshot-create", vm, { name: "gone soon", withMemory: false }),
    );
    const snapshotId = taken.result.ok ? (taken.result.value.snapshot?.snapshotId ?? "") : "";
    const deleted = await runAction(client, actionJob("vm.snapshot-delete", vm, { snapshotId }));
    expect(deleted.steps).toEqual(["DELETING_SNAPSHOT"]);
    expect(await snapshotsOf(vm.vmwareId)).toEqual([]);

    expect((await runAction(client, actionJob("vm.snapshot-delete", vm, { snapshotId }))).result.ok).toBe(
      true,
    );
    const revert = await runAction(client, actionJob("vm.snapshot-revert", vm, { snapshotId }));
    expect(revert.result).toMatchObject({ ok: false, error: { code: "SNAPSHOT_NOT_FOUND" } });
  });
});
