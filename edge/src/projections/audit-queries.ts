import type { AuditAction, AuditPage, AuditSubjectKind } from "@gantry/shared/api/audit";
import type { SqlDatabase } from "../event-store/stored-event.ts";

/** `kind:id` as stored; the id may itself contain colons (`user:` ids are OIDC subjects). */
function subjectOf(stored: string): { kind: AuditSubjectKind; id: string } {
  const at = stored.indexOf(":");
  return { kind: stored.slice(0, at) as AuditSubjectKind, id: stored.slice(at + 1) };
}

/** Who did what when in a tenant, newest first, in pages keyed by log position (stable as rows arrive). */
export async function listAudit(
  db: SqlDatabase,
  input: { tenantId: string; cursor?: number; limit: number },
): Promise<AuditPage> {
  const { results } = await db
    .prepare(
      `SELECT position, occurred_at, actor_id, actor_name, action, request_id, subject, summary FROM audit_log
       WHERE tenant_id = ? AND position < ? ORDER BY position DESC LIMIT ?`,
    )
    .bind(input.tenantId, input.cursor ?? Number.MAX_SAFE_INTEGER, input.limit + 1)
    .all<{
      position: number;
      occurred_at: string;
      actor_id: string;
      actor_name: string | null;
      action: AuditAction;
      request_id: string | null;
      subject: string;
      summary: string;
    }>();
  const page = results.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      position: r.position,
      at: r.occurred_at,
      actor: { id: r.actor_id, name: r.actor_name },
      action: r.action,
      subject: subjectOf(r.subject),
      requestId: r.request_id,
      summary: r.summary,
    })),
    nextCursor: results.length > input.limit ? (page.at(-1)?.position ?? null) : null,
  };
}
