import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { parseAgentFrame } from "@gantry/shared/protocol/agent-parse";
import { assembleInventory, type InventoryPart } from "@gantry/shared/protocol/inventory-parts";
import { describe, expect, it } from "vitest";
import { InventoryReporter } from "./inventory-reporter.ts";
import { createLogger } from "./log.ts";

const report = (collectedAt: string, templates = 0, folders = 0): InventoryReport => ({
  collectedAt,
  vcenter: { apiVersion: "8.0", fullName: "vcsim" },
  datacenters: [],
  templates: Array.from({ length: templates }, (_, i) => ({
    path: `/DC0/vm/t${i}`,
    name: `t${i}`,
    cpu: 1,
    memoryMb: 512,
    diskGb: 1,
  })),
  networks: [],
  folders: Array.from({ length: folders }, (_, i) => ({
    path: `/DC0/vm/projects/team-${String(i).padStart(5, "0")}`,
    name: `team-${i}`,
  })),
  datastores: [],
  pools: [],
});

function reporter(collect: () => Promise<InventoryReport>, protocol = 1) {
  const sent: { type: string; [key: string]: unknown }[] = [];
  const r = new InventoryReporter({
    collect,
    send: (b) => {
      sent.push(b);
      return "id";
    },
    protocol: () => protocol,
    log: createLogger({ write: () => {} }),
  });
  return { r, sent };
}

describe("InventoryReporter", () => {
  it("sends on every connect but only changes afterwards", async () => {
    let n = 0;
    const { r, sent } = reporter(async () => report(`2026-11-22T10:0${n++}:00.000Z`));
    await r.report(true);
    await r.report(false);
    expect(sent).toHaveLength(1);
    await r.report(true);
    expect(sent).toHaveLength(2);
  });

  it("sends again when the inventory changed", async () => {
    let templates = 0;
    const { r, sent } = reporter(async () => report("2026-11-22T10:00:00.000Z", templates));
    await r.report(true);
    templates = 1;
    await r.report(false);
    expect(sent).toHaveLength(2);
  });

  it("survives a failed collection", async () => {
    const { r, sent } = reporter(async () => {
      throw new Error("vCenter down");
    });
    await r.report(true);
    expect(sent).toEqual([]);
  });

  it("refreshes on request even when nothing changed, and says when it could not", async () => {
    const { r, sent } = reporter(async () => report("2026-11-22T10:00:00.000Z"));
    await r.report(true);
    expect(await r.refresh()).toBe("2026-11-22T10:00:00.000Z");
    expect(sent).toHaveLength(2);
    // a refreshed report counts as sent: the periodic check does not send it again
    await r.report(false);
    expect(sent).toHaveLength(2);

    const offline = new InventoryReporter({
      collect: async () => report("2026-11-22T10:01:00.000Z"),
      send: () => null,
      protocol: () => 2,
      log: createLogger({ write: () => {} }),
    });
    await expect(offline.refresh()).rejects.toThrow("not connected to the edge");
  });

  it("sends a large inventory in parts that each fit a frame and together are the whole report (protocol 2)", async () => {
    const big = report("2026-11-22T10:00:00.000Z", 500, 6000);
    const { r, sent } = reporter(async () => big, 2);
    await r.refresh();
    expect(sent.length).toBeGreaterThan(5);
    const frames = sent.map((body, i) => JSON.stringify({ v: 2, id: `f${i}`, ...body }));
    for (const raw of frames)
      expect(parseAgentFrame(raw)).toMatchObject({ ok: true, value: { type: "inventory.part" } });
    const reportIds = new Set(sent.map((b) => b.reportId));
    expect(reportIds.size).toBe(1);
    expect(sent.map((b) => [b.index, b.total])).toEqual(sent.map((_, i) => [i, sent.length]));
    expect(assembleInventory(sent.map((b) => b.part as InventoryPart))).toEqual({ ok: true, value: big });
  });

  it("refuses to send a report too large for a protocol-1 edge, and says so", async () => {
    const { r, sent } = reporter(async () => report("2026-11-22T10:00:00.000Z", 0, 3000), 1);
    await expect(r.refresh()).rejects.toThrow(/too large for the edge's protocol 1/);
    await r.report(true);
    expect(sent).toEqual([]);
  });

  it("reads and sends one report at a time, so a later report never carries an older read", async () => {
    const reads: ((r: InventoryReport) => void)[] = [];
    const { r, sent } = reporter(() => new Promise((resolve) => reads.push(resolve)), 2);
    // lets queued promise callbacks run (no timer involved)
    const settled = () => new Promise((resolve) => setImmediate(resolve));
    const periodic = r.report(false);
    const refreshed = r.refresh();
    await settled();
    expect(reads).toHaveLength(1);
    reads[0]?.(report("2026-11-22T10:00:00.000Z", 1));
    await periodic;
    await settled();
    expect(reads).toHaveLength(2);
    reads[1]?.(report("2026-11-22T10:05:00.000Z", 2));
    await refreshed;
    expect(sent.map((b) => (b.part as InventoryPart).templates?.length)).toEqual([1, 2]);
  });
});
