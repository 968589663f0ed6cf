import type { AgentCall, AgentCallResult } from "@gantry/shared/protocol/agent";
import type { VmScanSummary } from "@gantry/shared/protocol/vm-scan";
import type { Vcenter } from "./vcenter.ts";

/** What answering a call needs: the vCenter (null when none is configured) and the inventory reporter. */
export interface CallTargets {
  vcenter: Vcenter | null;
  /** reads and reports the inventory now; resolves to its `collectedAt` */
  refreshInventory: (() => Promise<string>) | null;
  /** scans for marker VMs and sends the parts; resolves the summary once every part left */
  scanVms?: ((scanId: string) => Promise<VmScanSummary>) | null;
}

const CALL_DEADLINE_MS = 30_000;

/** Answers the edge's request/response calls; a failure is an answer too, never a silence. */
export async function answerCall(targets: CallTargets, call: AgentCall): Promise<AgentCallResult> {
  const { vcenter, refreshInventory, scanVms } = targets;
  const signal = AbortSignal.timeout(CALL_DEADLINE_MS);
  const unavailable = {
    ok: false as const,
    error: { code: "VCENTER_NOT_CONFIGURED", message: "this agent has no vCenter configured" },
  };
  try {
    switch (call.method) {
      case "vm.status":
        if (!vcenter) return { method: call.method, outcome: unavailable };
        return { method: call.method, outcome: toOutcome(await vcenter.vmStatus(call.vmwareId, signal)) };
      case "vcenter.test":
        if (!vcenter) return { method: call.method, outcome: unavailable };
        return { method: call.method, outcome: { ok: true, value: await vcenter.testConnection(call) } };
      case "inventory.refresh":
        if (!refreshInventory) return { method: call.method, outcome: unavailable };
        return {
          method: call.method,
          outcome: { ok: true, value: { collectedAt: await refreshInventory() } },
        };
      case "vms.scan":
        if (!scanVms) return { method: call.method, outcome: unavailable };
        return { method: call.method, outcome: { ok: true, value: await scanVms(call.scanId) } };
    }
  } catch (error) {
    return {
      method: call.method,
      outcome: { ok: false, error: { code: "CALL_FAILED", message: String(error).slice(0, 1000) } },
    };
  }
}

const toOutcome = <TValue, TError>(r: { ok: true; value: TValue } | { ok: false; error: TError }) =>
  r.ok ? { ok: true as const, value: r.value } : { ok: false as const, error: r.error };
