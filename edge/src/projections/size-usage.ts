import type { SqlDatabase } from "../event-store/stored-event.ts";

// How many requests named each size of a tenant: the one it was requested at, the one a resize took it
// to, or one a pending resize asks for. A used size's values are fixed (history shows them); it can only
// be retired.

const USES = `SELECT size AS code FROM request_summary WHERE tenant_id = ?1
  UNION ALL SELECT vm_size FROM request_summary WHERE tenant_id = ?1 AND vm_size IS NOT NULL AND vm_size <> size
  UNION ALL SELECT vm_resize_to FROM request_summary WHERE tenant_id = ?1 AND vm_resize_to IS NOT NULL`;

/** Each size of the tenant that some request named; the others are unused. */
export async function sizeUsage(db: SqlDatabase, tenantId: string): Promise<Map<string, number>> {
  const { results } = await db
    .prepare(`SELECT code, count(*) AS requests FROM (${USES}) GROUP BY code`)
    .bind(tenantId)
    .all<{ code: string; requests: number }>();
  return new Map(results.map((r) => [r.code, r.requests]));
}

export async function usageOfSize(
  db: SqlDatabase,
  scope: { tenantId: string; code: string },
): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS requests FROM (${USES}) WHERE code = ?2`)
    .bind(scope.tenantId, scope.code)
    .first<{ requests: number }>();
  return row?.requests ?? 0;
}
