import { describe, expect, it } from "vitest";
import type { RebuildReport } from "./rebuild-projections.ts";
import { describeRebuild } from "./rebuild-summary.ts";

const table = (name: string, live: number, rebuilt: number, onlyInLive = 0, onlyInRebuilt = 0) => ({
  table: name,
  liveRows: live,
  rebuiltRows: rebuilt,
  onlyInLive,
  onlyInRebuilt,
});

const report = (over: Partial<RebuildReport>): RebuildReport => ({
  eventsReplayed: 42,
  replayMs: 1250,
  compareMs: 300,
  tables: [table("request_summary", 7, 7), table("audit_log", 30, 31, 0, 1)],
  equal: false,
  swapped: false,
  ...over,
});

describe("describeRebuild", () => {
  it("says how many events were replayed and, per table, equal or how it differs", () => {
    expect(describeRebuild(report({}), ".gantry/wrangler")).toEqual([
      "Replayed 42 events from .gantry/wrangler in 1.3 s; compared in 0.3 s.",
      "  request_summary  live 7 rows, rebuilt 7          equal",
      "  audit_log        live 30 rows, rebuilt 31        differs: 0 only in live, 1 only in rebuilt",
      "The live tables differ from the rebuild; run again with --swap to replace them.",
    ]);
  });

  it("ends with what happened to the live tables", () => {
    const equal = { tables: [table("request_summary", 7, 7)], equal: true, eventsReplayed: 1 };
    expect(describeRebuild(report(equal), "x")).toEqual([
      "Replayed 1 event from x in 1.3 s; compared in 0.3 s.",
      "  request_summary  live 7 rows, rebuilt 7          equal",
      "The live tables equal the rebuild; nothing to do.",
    ]);
    expect(describeRebuild(report({ swapped: true }), "x").at(-1)).toBe(
      "Swapped: the live tables now hold the rebuild.",
    );
  });
});
