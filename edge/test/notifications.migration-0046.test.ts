import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listDeliveries, readDelivery, strandedDeliveries } from "../src/notifications/deliveries.ts";
import { seedReferenceData } from "./support/seed.ts";
import { createTestTenant } from "./support/test-tenant.ts";

/**
 * Migration 0046 on deliveries written before it, in the old id form. The suite's database is migrated
 * empty, so the test writes old rows and runs the migration's statements again (all but the index drop).
 * It rewrites every row's id, so this file has storage of its own (vitest.config.ts).
 */
const rekeying = () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0046_"));
  if (!migration) throw new Error("migration 0046 is missing");
  return migration.queries.filter((q) => !q.includes("DROP INDEX"));
};

describe("migration 0046: deliveries keyed by tenant and time", () => {
  it("gives old rows the new ids and hands back to the sweep every one whose queue message named the old id", async () => {
    await seedReferenceData(env.DB);
    const t = await createTestTenant(env.DB);
    const now = Date.now();
    const createdAt = new Date(now - 10 * 60_000).toISOString();
    const old = (key: string, status: string, claimedUntil: number | null) =>
      env.DB.prepare(
        `INSERT INTO notification_deliveries (id, tenant_id, channel, target, kind, source_key, content, status,
           claimed_until, created_at, updated_at)
         VALUES (?, ?, 'email', 'a@example.com', 'vm.ready', ?, '{"title":"t","body":"","link":null,"occurredAt":"x"}',
           ?, ?, ?, ?)`,
      ).bind(
        `${key}|vm.ready|email|a@example.com`,
        t.tenantId,
        key,
        status,
        claimedUntil,
        createdAt,
        createdAt,
      );
    await env.DB.batch([
      old("queued", "queued", null),
      old("failed", "failed", null),
      old("claim-ran-out", "sending", now - 60_000),
      old("being-sent", "sending", now + 10 * 60_000),
      old("sent", "sent", null),
    ]);
    for (const query of rekeying()) await env.DB.prepare(query).run();

    const rows = await listDeliveries(env.DB, { tenantId: t.tenantId, limit: 10 });
    const byKey = Object.fromEntries(rows.map((r) => [r.source_key, r]));
    for (const key of ["queued", "failed", "claim-ran-out", "being-sent", "sent"]) {
      expect(byKey[key]?.id).toBe(`${t.tenantId}|${createdAt}|${key}|vm.ready|email|a@example.com`);
    }
    expect(Object.fromEntries(rows.map((r) => [r.source_key, r.status]))).toEqual({
      queued: "queued",
      failed: "queued",
      "claim-ran-out": "queued",
      "being-sent": "sending",
      sent: "sent",
    });
    // the minute sweep finds the three, and a message naming an old id finds nothing
    const stranded = await strandedDeliveries(env.DB, {
      since: new Date(now - 86_400_000).toISOString(),
      before: new Date(now - 60_000).toISOString(),
      now,
      limit: 10,
    });
    expect(stranded.sort()).toEqual(["claim-ran-out", "failed", "queued"].map((k) => byKey[k]?.id).sort());
    expect(await readDelivery(env.DB, "queued|vm.ready|email|a@example.com")).toBeNull();
  });
});
