import { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { SiteInventory } from "../tenancy/site-inventory.ts";

/**
 * The latest vCenter inventory an agent of the site reported, in the hub's SQLite (one row, the
 * `inventory` table): what request forms and the site's placement are checked against.
 */
export class InventoryCache {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** A report collected earlier (a periodic check overtaken by a refresh) never replaces a newer one. */
  record(input: { report: InventoryReport; agentId: string; now: number }): void {
    this.#sql.exec(
      `INSERT INTO inventory (id, report, agent_id, received_at) VALUES (1, ?1, ?2, ?3)
       ON CONFLICT (id) DO UPDATE SET report = ?1, agent_id = ?2, received_at = ?3
       WHERE json_extract(inventory.report, '$.collectedAt') <= json_extract(?1, '$.collectedAt')`,
      JSON.stringify(input.report),
      input.agentId,
      input.now,
    );
  }

  latest(): SiteInventory | null {
    const row = this.#sql
      .exec<{ report: string; agent_id: string; received_at: number }>("SELECT * FROM inventory WHERE id = 1")
      .toArray()[0];
    const report = row ? InventoryReport.safeParse(JSON.parse(row.report)) : null;
    if (!row || !report?.success) return null;
    return {
      report: report.data,
      agentId: row.agent_id,
      receivedAt: new Date(row.received_at).toISOString(),
    };
  }
}
