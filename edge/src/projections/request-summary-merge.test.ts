import { describe, expect, it } from "vitest";
import { mergeRowUpdates, type SummaryWrite } from "./request-summary-projection.ts";

const row = (requestId: string, set: Record<string, string | number | null | { add: number }>, at = "t1") =>
  ({ kind: "update", tenantId: "acme", requestId, set, at }) as const satisfies SummaryWrite;

describe("merging a commit's summary updates", () => {
  it("merges updates of one row that follow each other, the later column winning, at the last event's time", () => {
    const merged = mergeRowUpdates([
      row("r1", { stage: "CLONING", stage_at: "t0" }, "t0"),
      row("r1", { status: "PROVISIONING", stage: "CONFIGURING" }, "t1"),
    ]);
    expect(merged).toEqual([
      row("r1", { stage: "CONFIGURING", stage_at: "t0", status: "PROVISIONING" }, "t1"),
    ]);
  });

  it("keeps apart other rows, any other statement, and a counter change on a column already changed", () => {
    const other = { kind: "statement", statement: {} as D1PreparedStatement } as const;
    const writes: SummaryWrite[] = [
      row("r1", { status: "READY" }),
      row("r2", { status: "READY" }),
      row("r2", { snapshots: { add: -1 } }),
      // max(0, max(0, x - 1) + 1) is not max(0, x): two counter changes must stay two statements
      row("r2", { snapshots: { add: 1 } }),
      other,
      row("r2", { ip_address: "10.0.0.5" }),
    ];
    expect(mergeRowUpdates(writes)).toEqual([
      row("r1", { status: "READY" }),
      row("r2", { status: "READY", snapshots: { add: -1 } }),
      row("r2", { snapshots: { add: 1 } }),
      other,
      row("r2", { ip_address: "10.0.0.5" }),
    ]);
  });
});
