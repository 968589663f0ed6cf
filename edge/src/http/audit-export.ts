import { AuditFilter } from "@gantry/shared/api/audit";
import { Hono } from "hono";
import { authenticateRequest } from "../auth/authenticate.ts";
import { tokenHolds } from "../auth/token-scopes.ts";
import type { EdgeEnv } from "../env.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { AUDIT_CSV_HEADER, auditCsvRecord, csvRecord } from "../projections/audit-csv.ts";
import { listAudit } from "../projections/audit-queries.ts";

/** Rows read from D1 per step of the stream: one keyset page each, so memory stays flat. */
const PAGE = 100;

/** The CSV body: the header, then the filtered entries newest first, read one keyset page at a time. */
export function auditCsvStream(
  db: SqlDatabase,
  input: { tenantId: string; filter: AuditFilter; pageSize?: number },
) {
  const { tenantId, filter } = input;
  const limit = input.pageSize ?? PAGE;
  const encoder = new TextEncoder();
  let cursor: number | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRecord(AUDIT_CSV_HEADER)));
        return;
      }
      const page = await listAudit(db, { tenantId, filter, limit, ...(cursor ? { cursor } : {}) });
      if (page.items.length > 0) controller.enqueue(encoder.encode(page.items.map(auditCsvRecord).join("")));
      if (page.nextCursor === null) controller.close();
      else cursor = page.nextCursor;
    },
  });
}

/**
 * `GET /exports/audit.csv?actorId=&actorKind=&action=&projectId=&from=&to=`: the audit page's filtered set
 * as CSV, for tenant admins (a session, or an API token with the admin scope), of their own tenant only.
 */
export const auditExportRoutes = new Hono<EdgeEnv>().get("/audit.csv", async (c) => {
  const { principal, failure } = await authenticateRequest(c.req.raw, c.env);
  if (failure) logEvent("warn", "credentials refused", { path: c.req.path, ...failure });
  if (!principal) return c.json({ error: "UNAUTHORIZED", message: "sign in first" }, 401);
  const allowed =
    principal.role === "admin" && (!principal.token || tokenHolds(principal.token.scopes, "admin"));
  if (!allowed) return c.json({ error: "FORBIDDEN", message: "admins only" }, 403);
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const filter = AuditFilter.safeParse(query);
  if (!filter.success) {
    const fields = filter.error.issues.map((i) => ({
      path: i.path.join(".") || "(input)",
      message: i.message,
    }));
    return c.json({ error: "BAD_REQUEST", fields }, 400);
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(auditCsvStream(c.env.DB, { tenantId: principal.tenantId, filter: filter.data }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="gantry-audit-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
});
