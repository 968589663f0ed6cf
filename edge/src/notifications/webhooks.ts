import type { SqlDatabase } from "../event-store/stored-event.ts";

// The owner of `tenant_webhooks`: where a tenant's notifications are posted.

export type WebhookFormat = "generic" | "slack" | "teams";

export interface Webhook {
  id: string;
  tenantId: string;
  url: string;
  format: WebhookFormat;
  secret: string;
  enabled: boolean;
  createdAt: string;
}

interface WebhookRow {
  id: string;
  tenant_id: string;
  url: string;
  format: WebhookFormat;
  secret: string;
  enabled: number;
  created_at: string;
}

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  format: r.format,
  secret: r.secret,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
});

const COLUMNS = "id, tenant_id, url, format, secret, enabled, created_at";

/** A tenant's webhooks (a tenant keeps a handful; the cap is enforced on creation). */
export async function listWebhooks(db: SqlDatabase, tenantId: string): Promise<Webhook[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM tenant_webhooks WHERE tenant_id = ? ORDER BY created_at, id`)
    .bind(tenantId)
    .all<WebhookRow>();
  return results.map(toWebhook);
}

/** A webhook of the tenant; another tenant's id reads like a missing one. */
export async function readWebhook(
  db: SqlDatabase,
  input: { tenantId: string; id: string },
): Promise<Webhook | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM tenant_webhooks WHERE tenant_id = ? AND id = ?`)
    .bind(input.tenantId, input.id)
    .first<WebhookRow>();
  return row ? toWebhook(row) : null;
}

export async function insertWebhook(
  db: SqlDatabase,
  input: Omit<Webhook, "enabled"> & { createdBy: string },
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO tenant_webhooks (id, tenant_id, url, format, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(input.id, input.tenantId, input.url, input.format, input.secret, input.createdAt, input.createdBy)
    .run();
}

export async function deleteWebhook(
  db: SqlDatabase,
  input: { tenantId: string; id: string },
): Promise<boolean> {
  const result = await db
    .prepare("DELETE FROM tenant_webhooks WHERE tenant_id = ? AND id = ?")
    .bind(input.tenantId, input.id)
    .run();
  return result.meta.changes === 1;
}
