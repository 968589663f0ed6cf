import type { ScanFigures, ScanTrigger } from "@gantry/shared/domain/reconciliation";
import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import { VM_SCAN_PROTOCOL } from "@gantry/shared/protocol/version";
import type { ScannedVm } from "@gantry/shared/protocol/vm-scan";
import { err, ok, type Result } from "@gantry/shared/result";
import { logEvent } from "../log.ts";
import { type SocketFacts, sendFrame } from "./agent-sockets.ts";
import { agentSlots } from "./dispatch.ts";
import type { HubContext, HubScans } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { CallFailure } from "./pending-calls.ts";

/** A scan's answer (parts first, then the call's summary) may take this long: vCenter pages, then D1. */
const SCAN_CALL_TIMEOUT_MS = 60_000;

export type ScanFailure =
  | CallFailure
  /** agents are connected, none speaks protocol 4: `versions` are theirs, to say what to upgrade */
  | { code: "AGENT_TOO_OLD"; versions: string[]; needs: string }
  | { code: "SCAN_FAILED"; message: string }
  | { code: "SCAN_INCOMPLETE"; message: string }
  | { code: "NOT_RECORDED"; message: string };

/** What an admin reads when the site's agents cannot scan. */
export const SCAN_NEEDS = `an agent that speaks protocol ${VM_SCAN_PROTOCOL} (this Gantry release's agent or newer)`;

interface Collecting {
  agentId: string;
  total: number | null;
  parts: Map<number, ScannedVm[]>;
}

/**
 * The hub's reconciliation scans: one at a time per site (a second ask while one runs shares it), asked
 * only of an agent that negotiated protocol 4 and names `vms.scan` (an older agent is never asked), its
 * `scan.part` frames collected in memory under the scan id (they die with the socket, as the call does),
 * then the whole handed to the recorder.
 */
export class SiteScans implements HubScans {
  readonly #collecting = new Map<string, Collecting>();
  #running: Promise<Result<ScanFigures, ScanFailure>> | null = null;
  #lastReconnectScanAt = Number.NEGATIVE_INFINITY;

  /** Scans now, or joins the scan that runs. */
  scan(
    hub: HubContext,
    trigger: ScanTrigger,
    requestedBy: { id: string; name: string } | null = null,
  ): Promise<Result<ScanFigures, ScanFailure>> {
    this.#running ??= this.#scan(hub, trigger, requestedBy).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** After an agent that can scan said hello: a scan, unless one ran for a reconnect a moment ago. */
  afterReconnect(hub: HubContext, facts: SocketFacts): void {
    if (!canScan(facts)) return;
    const now = hub.now();
    // an agent flapping must not scan in a loop (hub-settings.ts: RECONNECT_SCAN_SPACING_MS)
    if (now - this.#lastReconnectScanAt < hub.settings.reconnectScanSpacingMs) return;
    this.#lastReconnectScanAt = now;
    void this.scan(hub, "reconnect").then((result) => {
      if (!result.ok) logEvent("warn", "reconnect scan failed", { ...result.error });
    });
  }

  /** One `scan.part` frame: kept if it belongs to a scan this hub asked that agent for. */
  onPart(facts: SocketFacts, frame: Extract<AgentToEdge, { type: "scan.part" }>): boolean {
    const scan = this.#collecting.get(frame.scanId);
    if (!scan || scan.agentId !== facts.agentId) return false;
    if (scan.total !== null && scan.total !== frame.total) return false;
    scan.total = frame.total;
    scan.parts.set(frame.index, frame.part.vms);
    return true;
  }

  async #scan(
    hub: HubContext,
    trigger: ScanTrigger,
    requestedBy: { id: string; name: string } | null,
  ): Promise<Result<ScanFigures, ScanFailure>> {
    const slots = agentSlots(hub);
    if (slots.length === 0) return err({ code: "NO_AGENT_CONNECTED" });
    const slot = slots.filter((s) => canScan(s.facts)).sort((a, b) => a.load - b.load)[0];
    if (!slot) {
      const roster = hub.roster.byId();
      const versions = [...new Set(slots.flatMap((s) => roster.get(s.facts.agentId)?.version ?? []))];
      return err({ code: "AGENT_TOO_OLD", versions, needs: SCAN_NEEDS });
    }
    const { agentId, tenantId, siteId } = slot.facts;
    const scanId = crypto.randomUUID();
    this.#collecting.set(scanId, { agentId, total: null, parts: new Map() });
    try {
      const id = sendFrame(
        slot.ws,
        { type: "call", call: { method: "vms.scan", scanId }, timeoutMs: SCAN_CALL_TIMEOUT_MS },
        slot.facts.protocol ?? undefined,
      );
      if (!id) return err({ code: "AGENT_DISCONNECTED" });
      const answer = await hub.calls.wait({ id, agentId, timeoutMs: SCAN_CALL_TIMEOUT_MS });
      if (!answer.ok) return answer;
      const result = answer.value;
      if (result.method !== "vms.scan") return err({ code: "SCAN_FAILED", message: "unexpected answer" });
      if (!result.outcome.ok) return err({ code: "SCAN_FAILED", message: result.outcome.error.message });
      const summary = result.outcome.value;
      const vms = this.#assemble(scanId, summary);
      if (!vms.ok) return vms;
      bumpCounter(hub.sql, "vm_scans");
      const report = { tenantId, siteId, agentId, trigger, requestedBy, summary, vms: vms.value };
      return await hub.sink.reconcile(report);
    } finally {
      this.#collecting.delete(scanId);
    }
  }

  #assemble(
    scanId: string,
    summary: { parts: number; vmCount: number; scanId: string },
  ): Result<ScannedVm[], ScanFailure> {
    const scan = this.#collecting.get(scanId);
    const incomplete = (message: string) => err({ code: "SCAN_INCOMPLETE" as const, message });
    if (!scan || summary.scanId !== scanId) return incomplete("the answer names another scan");
    if (scan.total !== summary.parts || scan.parts.size !== summary.parts)
      return incomplete(`${scan.parts.size} of ${summary.parts} parts arrived`);
    const vms: ScannedVm[] = [];
    for (let i = 0; i < summary.parts; i++) vms.push(...(scan.parts.get(i) ?? []));
    if (vms.length !== summary.vmCount) return incomplete(`${vms.length} of ${summary.vmCount} VMs arrived`);
    return ok(vms);
  }
}

/** Only an agent that negotiated protocol 4 and said it answers `vms.scan` is ever asked for a scan. */
export const canScan = (facts: SocketFacts): boolean =>
  facts.protocol !== null && facts.protocol >= VM_SCAN_PROTOCOL && (facts.calls ?? []).includes("vms.scan");

/** Whether a connected agent can scan; when agents are connected but none can, what they need. */
export function scannerOf(hub: HubContext): { available: boolean; needs: string | null } {
  const slots = agentSlots(hub);
  if (slots.some((s) => canScan(s.facts))) return { available: true, needs: null };
  return { available: false, needs: slots.length > 0 ? SCAN_NEEDS : null };
}
