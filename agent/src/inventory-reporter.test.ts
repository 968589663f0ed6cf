import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { InventoryReporter } from "./inventory-reporter.ts";
import { createLogger } from "./log.ts";

const report = (collectedAt: string, templates = 0): InventoryReport => ({
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
  folders: [],
  datastores: [],
  pools: [],
});

function reporter(collect: () => Promise<InventoryReport>) {
  const sent: unknown[] = [];
  const r = new InventoryReporter({
    collect,
    send: (b) => {
      sent.push(b);
      return "id";
    },
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
      log: createLogger({ write: () => {} }),
    });
    await expect(offline.refresh()).rejects.toThrow("not connected to the edge");
  });
});
