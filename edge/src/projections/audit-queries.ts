import type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditPage,
  AuditSubjectKind,
} from "@gantry/shared/api/audit";
import type { ActorKind } from "@gantry/shared/events/event-metadata";
import type { SqlDatabase } from "../event-store/stored-event.ts";

/** `kind:id` as stored; the id may itself contain colons (`user:` ids are OIDC subjects). */
function subjectOf(stored: string): { kind: AuditSubjectKind; id: string } {
  const at = stored.indexOf(":");
  return { kind: stored.slice(0, at) as AuditSubjectKind, id: stored.slice(at + 1) };
}

interface Row {
  position: number;
  occurred_at: string;
  actor_id: string;
  actor_kind: ActorKind;
  actor_name: string | null;
  token_id: string | null;
  action: AuditAction;
  request_id: string | null;
  subject: string;
  summary: string;
}

const toEntry = (r: Row): AuditEntry => ({
  position: r.position,
  at: r.occurred_at,
  actor: { id: r.actor_id, kind: r.actor_kind, name: r.actor_name, tokenId: r.token_id },
  action: r.action,
  subject: subjectOf(r.subject),
  requestId: r.request_id,
  summary: r.summary,
});

/** The WHERE clause of a filter, always within one tenant; every value is bound, never spliced. */
function whereOf(tenantId: string, filter: AuditFilter | undefined): { sql: string; binds: unknown[] } {
  const clauses = ["tenant_id = ?"];
  const binds: unknown[] = [tenantId];
  const add = (sql: string, value: unknown) => {
    clauses.push(sql);
    binds.push(value);
  };
  if (filter?.actorId) add("actor_id = ?", filter.actorId);
  if (filter?.actorKind) add("actor_kind = ?", filter.actorKind);
  if (filter?.action) add("action = ?", filter.action);
  // occurred_at is ISO-8601 UTC with milliseconds, so text order is time order
  if (filter?.from) add("occurred_at >= ?", new Date(filter.from).toISOString());
  if (filter?.to) add("occurred_at < ?", new Date(filter.to).toISOString());
  if (filter?.projectId) {
    // entries about the project's requests and VMs (a VM shares its request's id)
    clauses.push(
      "request_id IN (SELECT request_id FROM request_summary WHERE tenant_id = ? AND project_id = ?)",
    );
    binds.push(tenantId, filter.projectId);
  }
  return { sql: clauses.join(" AND "), binds };
}

/**
 * Who did what when in a tenant, newest first, in pages keyed by log position (stable as rows arrive),
 * optionally filtered. Another tenant's project or actor simply matches nothing.
 */
export async function listAudit(
  db: SqlDatabase,
  input: { tenantId: string; cursor?: number; limit: number; filter?: AuditFilter },
): Promise<AuditPage> {
  const where = whereOf(input.tenantId, input.filter);
  const { results } = await db
    .prepare(
      `SELECT position, occurred_at, actor_id, actor_kind, actor_name, token_id, action, request_id, subject, summary
       FROM audit_log WHERE ${where.sql} AND position < ? ORDER BY position DESC LIMIT ?`,
    )
    .bind(...where.binds, input.cursor ?? Number.MAX_SAFE_INTEGER, input.limit + 1)
    .all<Row>();
  const page = results.slice(0, input.limit);
  return {
    items: page.map(toEntry),
    nextCursor: results.length > input.limit ? (page.at(-1)?.position ?? null) : null,
  };
}
