import { MARKER_REQUEST_ID } from "@gantry/agent/provisioning/vm-marker";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createForeignVm } from "../provisioning/inventory-helpers.ts";
import { clientFor, startTestVcsim } from "../vsphere/fixture.ts";
import { actionJob, gantryVm, runAction } from "./fixture.ts";

describe("deleting a VM against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  const exists = async (moref: string) =>
    vcsim.control.vm({ moref }).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 100 });
    client = clientFor(vcsim);
  });
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("powers the VM off and destroys it; a second delivery finds it gone and is done", async () => {
    const vm = await gantryVm(client);
    const deleted = await runAction(client, actionJob("vm.delete", vm, {}));
    expect(deleted.steps).toEqual(["POWERING_OFF", "DESTROYING"]);
    expect(deleted.result).toEqual({ ok: true, value: { facts: null, snapshot: null, note: null } });
    expect(await exists(vm.vmwareId)).toBe(false);

    const again = await runAction(client, actionJob("vm.delete", vm, {}));
    expect(again.result).toMatchObject({ ok: true, value: { note: "it was already gone from vCenter" } });
    expect(again.steps).toEqual([]);
  });

  it("never touches a VM without our marker: MARKER_MISMATCH, and the VM runs on", async () => {
    const foreign = await createForeignVm(client, "/DC0/vm", `someone-elses-${Date.now().toString(36)}`);
    const target = {
      requestId: "req-not-ours",
      vmwareId: foreign.value,
      vmName: "someone-elses",
      hostname: "x",
    };
    for (const kind of ["vm.delete", "vm.power-off"] as const) {
      const refused = await runAction(client, actionJob(kind, target, {}));
      expect(refused.result).toMatchObject({
        ok: false,
        error: { code: "MARKER_MISMATCH", retriable: false },
      });
      expect(refused.steps).toEqual([]);
    }
    const after = await vcsim.control.vm({ moref: foreign.value });
    expect([after.powerState, after.extraConfig[MARKER_REQUEST_ID]]).toEqual(["poweredOn", undefined]);
  });

  it("never touches a VM whose marker names another request", async () => {
    const other = await gantryVm(client);
    const job = actionJob("vm.delete", { ...other, requestId: "req-someone-else" }, {});
    const refused = await runAction(client, job);
    expect(refused.result).toMatchObject({ ok: false, error: { code: "MARKER_MISMATCH" } });
    expect(refused.result.ok ? "" : refused.result.error.technicalDetail).toContain(other.requestId);
    expect((await vcsim.control.vm({ moref: other.vmwareId })).powerState).toBe("poweredOn");
  });

  it("destroys an unowned VM only while it carries the marker the scan saw: a changed marker is never touched", async () => {
    // the scan saw it under its request's marker; since then it was re-marked (adopted, restored, …)
    const remarked = await gantryVm(client);
    const stale = actionJob(
      "vm.destroy-unowned",
      { ...remarked, requestId: "uvd_stale" },
      { marker: "req-seen-by-scan" },
    );
    const refused = await runAction(client, stale);
    expect(refused.result).toMatchObject({ ok: false, error: { code: "MARKER_MISMATCH" } });
    expect(refused.steps).toEqual([]);
    expect((await vcsim.control.vm({ moref: remarked.vmwareId })).powerState).toBe("poweredOn");

    const unowned = await gantryVm(client);
    const job = actionJob(
      "vm.destroy-unowned",
      { ...unowned, requestId: "uvd_unowned" },
      { marker: unowned.requestId },
    );
    const destroyed = await runAction(client, job);
    expect(destroyed.steps).toEqual(["POWERING_OFF", "DESTROYING"]);
    expect(destroyed.result).toMatchObject({ ok: true });
    expect(await exists(unowned.vmwareId)).toBe(false);
  });

  it("adopts an unowned VM by rewriting its marker only while it holds the value the scan saw; a re-run is done", async () => {
    const markerOf = async (moref: string) =>
      (await vcsim.control.vm({ moref })).extraConfig[MARKER_REQUEST_ID];
    // re-marked since the scan: left as it is
    const remarked = await gantryVm(client);
    const stale = actionJob(
      "vm.adopt",
      { ...remarked, requestId: "vma_stale" },
      { marker: "req-seen-by-scan" },
    );
    const refused = await runAction(client, stale);
    expect(refused.result).toMatchObject({ ok: false, error: { code: "MARKER_MISMATCH" } });
    expect(await markerOf(remarked.vmwareId)).toBe(remarked.requestId);

    const unowned = await gantryVm(client);
    const job = actionJob(
      "vm.adopt",
      { ...unowned, requestId: "vma_adopted" },
      { marker: unowned.requestId },
    );
    const adopted = await runAction(client, job);
    expect(adopted.steps).toEqual(["REWRITING_MARKER"]);
    expect(adopted.result).toMatchObject({ ok: true });
    expect(await markerOf(unowned.vmwareId)).toBe("vma_adopted");
    expect((await vcsim.control.vm({ moref: unowned.vmwareId })).powerState).toBe("poweredOn");
    // a redelivery after the rewrite finds its own id: done, nothing written again
    const again = await runAction(client, job);
    expect(again).toMatchObject({ steps: [], result: { ok: true } });
  });

  it("ends consistent when a power off and a delete of one VM run at once: no VM left, no error thrown", async () => {
    const vm = await gantryVm(client);
    const [off, deleted] = await Promise.all([
      runAction(client, actionJob("vm.power-off", vm, {})),
      runAction(client, actionJob("vm.delete", vm, {})),
    ]);
    expect(deleted.result.ok).toBe(true);
    // the power off either landed before the destroy, or found the VM already gone
    if (!off.result.ok) expect(off.result.error.code).toBe("VM_NOT_FOUND");
    else expect(off.result.value.facts?.powerState ?? "poweredOff").toBe("poweredOff");
    expect(await exists(vm.vmwareId)).toBe(false);
  });
});
