import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listInbox } from "../src/notifications/inbox.ts";
import { insertQueuedDelivery } from "./support/legacy-deliveries.ts";
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

const AT = "2026-11-01T10:00:00.000Z";

describe("migration 0043: request.decided split in two", () => {
  it("carries a person's choice to both new kinds and gives recorded rows the kind their words say", async () => {
    await seedReferenceData(env.DB);
    const t = await createTestTenant(env.DB);
    const inbox = (id: string, title: string) =>
      env.DB.prepare(
        `INSERT INTO notifications (id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at)
         VALUES (?, ?, ?, 'request.decided', ?, ?, '', NULL, ?)`,
      ).bind(id, t.tenantId, t.member.userId, id, title, AT);
    const delivery = (id: string, title: string) =>
      insertQueuedDelivery(env.DB, {
        tenantId: t.tenantId,
        channel: "email",
        target: t.member.email,
        kind: "request.decided" as never,
        sourceKey: id,
        content: { title, body: "", link: null, occurredAt: AT },
        createdAt: AT,
      });
    await env.DB.batch([
      // e-mail chosen for the old kind: on, where the new approved kind's default is off
      env.DB.prepare(
        "INSERT INTO notification_preferences (tenant_id, user_id, kind, channel, enabled) VALUES (?, ?, 'request.decided', 'email', 1)",
      ).bind(t.tenantId, t.member.userId),
      inbox("old-approved", 'Request "a-01" was approved'),
      inbox("old-rejected", 'Request "r-01" was rejected'),
      delivery("old-mail-approved", 'Request "a-01" was approved'),
      delivery("old-mail-rejected", 'Request "r-01" was rejected'),
    ]);

    for (const query of splitMigration()) await env.DB.prepare(query).run();

    const rows = async <T>(sql: string) => (await env.DB.prepare(sql).bind(t.tenantId).all<T>()).results;
    expect(
      await rows(
        "SELECT kind, enabled FROM notification_preferences WHERE tenant_id = ? AND kind LIKE 'request.%' ORDER BY kind",
      ),
    ).toEqual([
      { kind: "request.approved", enabled: 1 },
      // kept for the old Worker until it is replaced; this code ignores a kind it does not know
      { kind: "request.decided", enabled: 1 },
      { kind: "request.rejected", enabled: 1 },
    ]);
    expect(
      await rows("SELECT id, kind FROM notifications WHERE tenant_id = ? AND id LIKE 'old-%' ORDER BY id"),
    ).toEqual([
      { id: "old-approved", kind: "request.approved" },
      { id: "old-rejected", kind: "request.rejected" },
    ]);
    expect(
      await rows(
        "SELECT source_key AS id, kind FROM notification_deliveries WHERE tenant_id = ? AND source_key LIKE 'old-mail-%' ORDER BY id",
      ),
    ).toEqual([
      { id: "old-mail-approved", kind: "request.approved" },
      { id: "old-mail-rejected", kind: "request.rejected" },
    ]);
  });

  it("reads a row the old Worker wrote after the migration by its words", async () => {
    await seedReferenceData(env.DB);
    const t = await createTestTenant(env.DB);
    await env.DB.prepare(
      `INSERT INTO notifications (id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at)
       VALUES ('late', ?, ?, 'request.decided', 'late', 'Request "l-01" was rejected', 'Reason: none', NULL, ?)`,
    )
      .bind(t.tenantId, t.member.userId, AT)
      .run();
    const [item] = await listInbox(
      env.DB,
      { tenantId: t.tenantId, userId: t.member.userId },
      { unreadOnly: false, limit: 10 },
    );
    expect(item).toMatchObject({ id: "late", kind: "request.rejected" });
  });
});
