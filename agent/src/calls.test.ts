import { err, ok } from "@gantry/shared/result";
import { describe, expect, it } from "vitest";
import { answerCall } from "./calls.ts";
import type { Vcenter } from "./vcenter.ts";

// a test double of our own interface: these tests are about answerCall's mapping, not vCenter
const vcenterDouble = (overrides: Partial<Vcenter>): Vcenter => ({
  provision: async () => {
    throw new Error("unused");
  },
  actions: {},
  driftCollector: () => {
    throw new Error("unused");
  },
  testConnection: async () => ({ checks: [{ name: "login", ok: true, detail: "ok" }] }),
  vmStatus: async () => err({ code: "VM_NOT_FOUND", message: "gone" }),
  inventory: async () => {
    throw new Error("unused");
  },
  scanMarkedVms: async () => {
    throw new Error("unused");
  },
  roundTrips: () => ({ total: 0, byMethod: {} }),
  close: async () => {},
  ...overrides,
});
const only = (vcenter: Vcenter | null) => ({ vcenter, refreshInventory: null });

describe("answerCall", () => {
  it("answers vcenter.test with the vCenter's checks", async () => {
    expect(await answerCall(only(vcenterDouble({})), { method: "vcenter.test" })).toEqual({
      method: "vcenter.test",
      outcome: { ok: true, value: { checks: [{ name: "login", ok: true, detail: "ok" }] } },
    });
  });

  it("passes a VM status and its absence through", async () => {
    const status = {
      vmwareId: "vm-1",
      powerState: "poweredOn" as const,
      toolsRunning: true,
      ipAddress: null,
      hostname: null,
      checkedAt: "2026-11-22T10:00:00.000Z",
    };
    expect(
      await answerCall(only(vcenterDouble({ vmStatus: async () => ok(status) })), {
        method: "vm.status",
        vmwareId: "vm-1",
      }),
    ).toMatchObject({
      outcome: { ok: true, value: status },
    });
    expect(
      await answerCall(only(vcenterDouble({})), { method: "vm.status", vmwareId: "vm-2" }),
    ).toMatchObject({
      outcome: { ok: false, error: { code: "VM_NOT_FOUND" } },
    });
  });

  it("answers with an error when there is no vCenter or the call throws", async () => {
    expect(await answerCall(only(null), { method: "vcenter.test" })).toMatchObject({
      outcome: { ok: false, error: { code: "VCENTER_NOT_CONFIGURED" } },
    });
    const throwing = vcenterDouble({
      testConnection: async () => {
        throw new Error("socket hang up");
      },
    });
    expect(await answerCall(only(throwing), { method: "vcenter.test" })).toMatchObject({
      outcome: { ok: false, error: { code: "CALL_FAILED" } },
    });
  });

  it("refreshes the inventory on request and answers with when it was read, or why not", async () => {
    const refreshed = await answerCall(
      { vcenter: vcenterDouble({}), refreshInventory: async () => "2026-11-22T10:00:00.000Z" },
      { method: "inventory.refresh" },
    );
    expect(refreshed).toEqual({
      method: "inventory.refresh",
      outcome: { ok: true, value: { collectedAt: "2026-11-22T10:00:00.000Z" } },
    });
    expect(await answerCall(only(null), { method: "inventory.refresh" })).toMatchObject({
      outcome: { ok: false, error: { code: "VCENTER_NOT_CONFIGURED" } },
    });
    const failing = {
      vcenter: vcenterDouble({}),
      refreshInventory: async () => {
        throw new Error("NoPermission on /DC0/network");
      },
    };
    expect(await answerCall(failing, { method: "inventory.refresh" })).toMatchObject({
      outcome: {
        ok: false,
        error: { code: "CALL_FAILED", message: expect.stringContaining("NoPermission") },
      },
    });
  });
});
