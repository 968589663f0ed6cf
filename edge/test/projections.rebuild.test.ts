import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { rebuildProjections } from "../src/projections/rebuild-projections.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { failure, frame, provisionToReady, record, stageAt } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
const w = testWorkflow();

// every kind of event the projections handle, across two tenants
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  const other = await createTestTenant(env.DB);
  const member = callerFor(t.member, w);
  const admin = callerFor(t.admin, w);
  const ids = [];
  for (let i = 0; i < 6; i++) {
    ids.push(await member.requests.create(requestInput(t.projectId)));
    w.clock.advance(60_000);
  }
  const [ready, failed, rejected, cancelled, provisioning] = ids;
  if (!ready || !failed || !rejected || !cancelled || !provisioning) throw new Error("setup");
  for (const r of [ready, failed, provisioning])
    await admin.approvals.approve({ requestId: r.requestId, expectedVersion: 1 });
  await admin.approvals.reject({
    requestId: rejected.requestId,
    expectedVersion: 1,
    reason: "not this quarter",
  });
  await member.requests.cancel({ requestId: cancelled.requestId, reason: "duplicate" });
  await provisionToReady(w, {
    requestId: ready.requestId,
    tenantId: t.tenantId,
    start: new Date("2026-03-02T10:00:00Z"),
  });
  await record(
    w,
    frame(failed.requestId, stageAt("CLONING", new Date("2026-03-02T10:00:00Z")), { tenantId: t.tenantId }),
  );
  await record(
    w,
    frame(
      failed.requestId,
      { kind: "failed", failure, at: "2026-03-02T10:01:00.000Z" },
      { tenantId: t.tenantId },
    ),
  );
  await record(
    w,
    frame(provisioning.requestId, stageAt("POWERING_ON", new Date("2026-03-02T10:00:00Z")), {
      tenantId: t.tenantId,
    }),
  );
  await callerFor(other.member, w).requests.create(requestInput(other.projectId));
  await w.settle();
});

describe("projection rebuild", () => {
  it("replays the log into fresh tables that equal the live ones", async () => {
    const report = await rebuildProjections(env.DB);
    expect(report.equal).toBe(true);
    expect(report.eventsReplayed).toBeGreaterThan(15);
    for (const table of report.tables) {
      expect(table).toMatchObject({ onlyInLive: 0, onlyInRebuilt: 0 });
      expect(table.rebuiltRows).toBe(table.liveRows);
    }
    expect(report.tables.map((c) => c.table)).toEqual([
      "request_summary",
      "audit_log",
      "stage_runs",
      "vm_names",
      "request_approvals",
    ]);
  });

  it("replays the same over many small pages, each read while the one before is written", async () => {
    const whole = await rebuildProjections(env.DB);
    const paged = await rebuildProjections(env.DB, { pageSize: 3 });
    expect(paged.equal).toBe(true);
    expect(paged.eventsReplayed).toBe(whole.eventsReplayed);
    expect(paged.tables).toEqual(whole.tables);
  });

  it("replays the same when a page's statements are split over several batches, in order", async () => {
    const whole = await rebuildProjections(env.DB);
    // a request's summary row is inserted, then updated: a split that reordered them would differ
    const split = await rebuildProjections(env.DB, { batchStatements: 2 });
    expect(split.equal).toBe(true);
    expect(split.tables).toEqual(whole.tables);
  });

  it("reports a drifted live table and repairs it on swap", async () => {
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await env.DB.prepare("UPDATE request_summary SET status = 'READY' WHERE request_id = ?")
      .bind(requestId)
      .run();
    await env.DB.prepare("DELETE FROM audit_log WHERE request_id = ?").bind(requestId).run();

    const compared = await rebuildProjections(env.DB);
    expect(compared.equal).toBe(false);
    expect(compared.tables.find((c) => c.table === "request_summary")).toMatchObject({
      onlyInLive: 1,
      onlyInRebuilt: 1,
    });
    expect(compared.tables.find((c) => c.table === "audit_log")).toMatchObject({
      onlyInLive: 0,
      onlyInRebuilt: 1,
    });

    expect((await rebuildProjections(env.DB, { swap: true })).swapped).toBe(true);
    const after = await rebuildProjections(env.DB);
    expect(after.equal).toBe(true);
    const row = await env.DB.prepare("SELECT status FROM request_summary WHERE request_id = ?")
      .bind(requestId)
      .first<{ status: string }>();
    expect(row?.status).toBe("PENDING");
  });

  it("leaves no shadow tables behind", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE name LIKE '%__rebuild'",
    ).all();
    expect(results).toEqual([]);
  });

  it("refuses to rebuild a projection whose table does not exist", async () => {
    const ghost = { name: "ghost", tables: ["no_such_table"], project: () => [] };
    await expect(rebuildProjections(env.DB, { projections: [ghost] })).rejects.toThrow(/does not exist/);
  });
});
