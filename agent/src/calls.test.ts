import { err, ok } from "@gantry/shared/result";
import { describe, expect, it } from "vitest";
import { answerCall } from "./calls.ts";
import type { VcenterPort } from "./vcenter-port.ts";

const port = (overrides: Partial<VcenterPort>): VcenterPort => ({
  provision: async () => {
    throw new Error("unused");
  },
  testConnection: async () => ({ checks: [{ name: "login", ok: true, detail: "ok" }] }),
  vmStatus: async () => err({ code: "VM_NOT_FOUND", message: "gone" }),
  inventory: async () => {
    throw new Error("unused");
  },
  close: async () => {},
  ...overrides,
});

describe("answerCall", () => {
  it("answers vcenter.test with the port's checks", async () => {
    expect(await answerCall(port({}), { method: "vcenter.test" })).toEqual({
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
      await answerCall(port({ vmStatus: async () => ok(status) }), { method: "vm.status", vmwareId: "vm-1" }),
    ).toMatchObject({
      outcome: { ok: true, value: status },
    });
    expect(await answerCall(port({}), { method: "vm.status", vmwareId: "vm-2" })).toMatchObject({
      outcome: { ok: false, error: { code: "VM_NOT_FOUND" } },
    });
  });

  it("answers with an error when there is no vCenter or the call throws", async () => {
    expect(await answerCall(null, { method: "vcenter.test" })).toMatchObject({
      outcome: { ok: false, error: { code: "VCENTER_NOT_CONFIGURED" } },
    });
    const throwing = port({
      testConnection: async () => {
        throw new Error("socket hang up");
      },
    });
    expect(await answerCall(throwing, { method: "vcenter.test" })).toMatchObject({
      outcome: { ok: false, error: { code: "CALL_FAILED" } },
    });
  });
});
