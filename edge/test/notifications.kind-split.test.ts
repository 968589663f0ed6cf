import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readPreferences } from "../src/notifications/preferences.ts";
import { seedReferenceData } from "./support/seed.ts";
import { createTestTenant } from "./support/test-tenant.ts";

/**
 * Migration 0043 on rows written before it: `request.decided` becomes `request.approved` or
 * `request.rejected`. The suite's database is migrated empty, so the test writes old rows and runs the
 * migration's own statements again (each is a no-op without old rows, so re-running it is safe).
 */
const splitMigration = () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0043_"));
  if (!migration) throw new Error("migration 0043 is missing");
  return migration.queries;
};

describe("migration 0043: request.decided split in two", () => {
  it("keeps a person's choice for both new kinds and gives recorded rows the kind their words say", async () => {
    await seedReferenceData(env.DB);
    const t = await createTestTenant(env.DB);
    const inbox = (id: string, title: string) =>
      env.DB.prepare(
        `INSERT INTO notifications (id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at)
         VALUES (?, ?, ?, 'request.decided', ?, ?, '', NULL, '2026-11-01T10:00:00.000Z')`,
      ).bind(id, t.tenantId, t.member.userId, id, title);
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO notification_preferences (tenant_id, user_id, kind, channel, enabled) VALUES (?, ?, 'request.decided', 'email', 0)",
      ).bind(t.tenantId, t.member.userId),
      inbox("old-approved", 'Request "a-01" was approved'),
      inbox("old-rejected", 'Request "r-01" was rejected'),
    ]);

    for (const query of splitMigration()) await env.DB.prepare(query).run();

    const chosen = await readPreferences(env.DB, { tenantId: t.tenantId, userId: t.member.userId });
    expect(chosen.filter((p) => p.kind.startsWith("request.") && p.kind !== "request.pending")).toEqual([
      { kind: "request.approved", channel: "email", enabled: false },
      { kind: "request.rejected", channel: "email", enabled: false },
    ]);
    const { results } = await env.DB.prepare(
      "SELECT id, kind FROM notifications WHERE tenant_id = ? AND id LIKE 'old-%' ORDER BY id",
    )
      .bind(t.tenantId)
      .all<{ id: string; kind: string }>();
    expect(results).toEqual([
      { id: "old-approved", kind: "request.approved" },
      { id: "old-rejected", kind: "request.rejected" },
    ]);
    const left = await env.DB.prepare(
      "SELECT count(*) AS n FROM notification_preferences WHERE kind = 'request.decided'",
    ).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
