import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { AgentToEdge, FrameBody } from "@gantry/shared/protocol/agent";
import type { Logger } from "./log.ts";

const REFRESH_MS = 10 * 60_000;

/**
 * Sends the vCenter inventory on every connect and again when it changes (checked every 10 min),
 * so forms and site settings read a cached report and never wait for vCenter.
 */
export class InventoryReporter {
  private seq = 0;
  private lastSent: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly options: {
      collect: () => Promise<InventoryReport>;
      send: (body: FrameBody<AgentToEdge>) => string | null;
      log: Logger;
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.report(false), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Collects and sends now, whatever was sent before (an admin asked for it): the report frame leaves
   * before this resolves, so the hub has it before the call's answer. Throws what collecting threw.
   */
  async refresh(): Promise<string> {
    const report = await this.options.collect();
    const { collectedAt: _ignored, ...content } = report;
    this.seq += 1;
    if (!this.options.send({ type: "inventory.report", seq: this.seq, report }))
      throw new Error("not connected to the edge");
    this.lastSent = JSON.stringify(content);
    return report.collectedAt;
  }

  /** `always` after a (re)connect: the hub may be new and know nothing. */
  async report(always: boolean): Promise<void> {
    try {
      const report = await this.options.collect();
      const { collectedAt: _ignored, ...content } = report;
      const fingerprint = JSON.stringify(content);
      if (!always && fingerprint === this.lastSent) return;
      this.seq += 1;
      if (this.options.send({ type: "inventory.report", seq: this.seq, report })) this.lastSent = fingerprint;
    } catch (error) {
      this.options.log.warn("inventory not collected", { error: String(error) });
    }
  }
}
