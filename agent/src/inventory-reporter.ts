import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { AgentToEdge, FrameBody } from "@gantry/shared/protocol/agent";
import { splitInventory } from "@gantry/shared/protocol/inventory-parts";
import { utf8Length } from "@gantry/shared/protocol/utf8";
import { MAX_AGENT_FRAME_BYTES } from "@gantry/shared/protocol/version";
import type { Logger } from "./log.ts";

const REFRESH_MS = 10 * 60_000;
// the envelope (v, id, type, seq) around a protocol-1 report
const ENVELOPE_BYTES = 200;

export interface InventoryReporterOptions {
  collect: () => Promise<InventoryReport>;
  send: (body: FrameBody<AgentToEdge>) => string | null;
  /** the protocol version the edge welcomed this connection with (null before a welcome) */
  protocol: () => number | null;
  log: Logger;
}

/**
 * Sends the vCenter inventory on every connect and again when it changes (checked every 10 min),
 * so forms and site settings read a cached report and never wait for vCenter. Protocol 2 sends it in
 * parts of bounded size, whatever the vCenter's size; protocol 1 in one frame, which a large vCenter
 * cannot fit (then it is not sent and says so, rather than the edge closing the connection over it).
 * Collections run one at a time, so a report sent later was also read later.
 */
export class InventoryReporter {
  private seq = 0;
  private lastSent: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: InventoryReporterOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.report(false), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Collects and sends now, whatever was sent before (an admin asked for it): every frame of the
   * report leaves before this resolves, so the hub has it before the call's answer. Throws what
   * collecting threw, or why it could not be sent.
   */
  refresh(): Promise<string> {
    return this.serialized(async () => {
      const report = await this.options.collect();
      this.sendReport(report);
      return report.collectedAt;
    });
  }

  /** `always` after a (re)connect: the hub may be new and know nothing. */
  report(always: boolean): Promise<void> {
    return this.serialized(async () => {
      try {
        const report = await this.options.collect();
        if (!always && fingerprint(report) === this.lastSent) return;
        this.sendReport(report);
      } catch (error) {
        this.options.log.warn("inventory not reported", { error: String(error) });
      }
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Sends the report in the connection's protocol; throws when it could not. */
  private sendReport(report: InventoryReport): void {
    const protocol = this.options.protocol();
    if (protocol === null) throw new Error("not connected to the edge");
    if (protocol >= 2) this.sendParts(report);
    else this.sendWhole(report);
    this.lastSent = fingerprint(report);
  }

  private sendParts(report: InventoryReport): void {
    const parts = splitInventory(report);
    const reportId = crypto.randomUUID();
    for (const [index, part] of parts.entries()) {
      const body = { type: "inventory.part" as const, reportId, index, total: parts.length, part };
      if (!this.options.send(body)) throw new Error("not connected to the edge");
    }
    this.options.log.debug("inventory reported", { parts: parts.length });
  }

  private sendWhole(report: InventoryReport): void {
    const bytes = utf8Length(JSON.stringify(report)) + ENVELOPE_BYTES;
    if (bytes > MAX_AGENT_FRAME_BYTES) {
      throw new Error(
        `the inventory (${Math.round(bytes / 1024)} KiB) is too large for the edge's protocol 1; upgrade the edge`,
      );
    }
    this.seq += 1;
    if (!this.options.send({ type: "inventory.report", seq: this.seq, report }))
      throw new Error("not connected to the edge");
  }
}

/** What the report says, without the time it was read: equal when nothing changed. */
function fingerprint(report: InventoryReport): string {
  const { collectedAt: _ignored, ...content } = report;
  return JSON.stringify(content);
}
