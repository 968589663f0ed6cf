import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { assembleInventory, InventoryPart } from "@gantry/shared/protocol/inventory-parts";
import type { SiteInventory } from "../tenancy/site-inventory.ts";

/** What recording one part did: still waiting for parts, the report became current, or it was refused. */
export type PartRecorded =
  | { status: "partial"; received: number; total: number }
  | { status: "current"; parts: number }
  | { status: "refused"; reason: string };

// the `inventory_parts` and `inventory_current` tables (hub-storage.ts): their rows never leave this file
type PartRow = {
  report_id: string;
  idx: number;
  total: number;
  agent_id: string;
  body: string;
  received_at: number;
};
type CurrentRow = { report_id: string; agent_id: string; received_at: number };

/**
 * The latest complete vCenter inventory an agent of the site reported, in the hub's SQLite: what request
 * forms and the site's placement are checked against. A report arrives in parts (protocol 2; one part
 * for protocol 1) and replaces the current one only when all its parts are here, so a report cut off
 * halfway (a disconnect, an agent restart) never empties or truncates the site's inventory. Reports are
 * ordered by hub time (the last one completed wins), never by the agent's clock.
 *
 * Cost per report of n parts (at most 64 KiB each): n part rows written, 1 pointer row, and the previous
 * report's parts deleted; the site holds at most the current report plus one incomplete report per
 * agent. Reading assembles the parts once and keeps the result in memory until the next report.
 */
export class InventoryCache {
  readonly #sql: SqlStorage;
  #latest: SiteInventory | null | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** A protocol-1 report: one frame, so a report of one part. */
  record(input: { report: InventoryReport; agentId: string; now: number }): PartRecorded {
    const reportId = `whole:${input.agentId}:${input.now}:${crypto.randomUUID()}`;
    return this.recordPart({ ...input, reportId, index: 0, total: 1, part: input.report });
  }

  /** One part of a report; a resent part changes nothing. */
  recordPart(input: {
    reportId: string;
    index: number;
    total: number;
    part: InventoryPart;
    agentId: string;
    now: number;
  }): PartRecorded {
    const { reportId, index, total, agentId, now } = input;
    if (index >= total) return { status: "refused", reason: `part ${index} of ${total}` };
    const known = this.#sql
      .exec<{ total: number; agent_id: string }>(
        "SELECT total, agent_id FROM inventory_parts WHERE report_id = ? LIMIT 1",
        reportId,
      )
      .toArray()[0];
    if (known && (known.total !== total || known.agent_id !== agentId))
      return { status: "refused", reason: "parts of one report disagree on its size or sender" };
    // an agent sends one report at a time: its unfinished older ones will never complete
    this.#sql.exec(
      `DELETE FROM inventory_parts WHERE agent_id = ?1 AND report_id != ?2
         AND report_id NOT IN (SELECT report_id FROM inventory_current)`,
      agentId,
      reportId,
    );
    this.#sql.exec(
      `INSERT INTO inventory_parts (report_id, idx, total, agent_id, body, received_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (report_id, idx) DO NOTHING`,
      reportId,
      index,
      total,
      agentId,
      JSON.stringify(input.part),
      now,
    );
    const received = this.#sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM inventory_parts WHERE report_id = ?", reportId)
      .one().n;
    if (received < total) return { status: "partial", received, total };
    return this.#complete({ reportId, agentId, now });
  }

  /** Every part is here: check the whole, then make it current and drop the one it replaces. */
  #complete(input: { reportId: string; agentId: string; now: number }): PartRecorded {
    const { reportId, agentId, now } = input;
    const current = this.#current();
    if (current?.report_id === reportId) return { status: "current", parts: this.#parts(reportId).length };
    const parts = this.#parts(reportId);
    const report = this.#assemble(parts);
    if (!report.ok) {
      this.#sql.exec("DELETE FROM inventory_parts WHERE report_id = ?", reportId);
      return { status: "refused", reason: report.error };
    }
    this.#sql.exec(
      `INSERT INTO inventory_current (id, report_id, agent_id, received_at) VALUES (1, ?1, ?2, ?3)
       ON CONFLICT (id) DO UPDATE SET report_id = ?1, agent_id = ?2, received_at = ?3`,
      reportId,
      agentId,
      now,
    );
    if (current) this.#sql.exec("DELETE FROM inventory_parts WHERE report_id = ?", current.report_id);
    this.#latest = { report: report.value, agentId, receivedAt: new Date(now).toISOString() };
    return { status: "current", parts: parts.length };
  }

  latest(): SiteInventory | null {
    if (this.#latest !== undefined) return this.#latest;
    const current = this.#current();
    const report = current ? this.#assemble(this.#parts(current.report_id)) : null;
    this.#latest =
      current && report?.ok
        ? {
            report: report.value,
            agentId: current.agent_id,
            receivedAt: new Date(current.received_at).toISOString(),
          }
        : null;
    return this.#latest;
  }

  #current(): CurrentRow | null {
    return this.#sql.exec<CurrentRow>("SELECT * FROM inventory_current WHERE id = 1").toArray()[0] ?? null;
  }

  #parts(reportId: string): PartRow[] {
    return this.#sql
      .exec<PartRow>("SELECT * FROM inventory_parts WHERE report_id = ? ORDER BY idx", reportId)
      .toArray();
  }

  #assemble(rows: readonly PartRow[]) {
    const parts = rows.map((r) => InventoryPart.safeParse(JSON.parse(r.body)));
    if (parts.some((p) => !p.success)) return { ok: false as const, error: "a stored part does not parse" };
    return assembleInventory(parts.flatMap((p) => (p.success ? [p.data] : [])));
  }
}
