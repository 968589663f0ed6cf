import { type PendingRequest, WAITING_LONG_MS } from "@gantry/shared/api/approvals";
import type { Page } from "@gantry/shared/api/paging";
import type { RequestSummary } from "@gantry/shared/api/requests";
import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import {
  SUMMARY_SELECT,
  type SummaryIndex,
  type SummaryRow,
  throughIndex,
  toRequestSummary,
} from "./summary-row.ts";

// every query is scoped by tenant first: the primary key and both indexes start with tenant_id

interface Paging {
  page: number;
  pageSize: number;
}

async function paged<T>(
  db: SqlDatabase,
  query: {
    where: string;
    order: string;
    params: unknown[];
    paging: Paging;
    map: (row: SummaryRow) => T;
    index: SummaryIndex;
  },
): Promise<Page<T>> {
  const { page, pageSize } = query.paging;
  const [rows, total] = await Promise.all([
    db
      .prepare(
        throughIndex(
          `${SUMMARY_SELECT} WHERE ${query.where} ORDER BY ${query.order} LIMIT ? OFFSET ?`,
          query.index,
        ),
      )
      .bind(...query.params, pageSize, (page - 1) * pageSize)
      .all<SummaryRow>(),
    db
      .prepare(throughIndex(`SELECT count(*) AS n FROM request_summary r WHERE ${query.where}`, query.index))
      .bind(...query.params)
      .first<{ n: number }>(),
  ]);
  return { items: rows.results.map(query.map), page, pageSize, total: total?.n ?? 0 };
}

/** "My requests": newest first, optionally one status. */
export function listRequestsOf(
  db: SqlDatabase,
  input: Paging & { tenantId: string; requesterId: string; status?: VmRequestStatus },
): Promise<Page<RequestSummary>> {
  const status = input.status === undefined ? "" : " AND r.status = ?";
  return paged(db, {
    where: `r.tenant_id = ? AND r.requester_id = ?${status}`,
    index: "request_summary_by_requester",
    order: "r.created_at DESC, r.request_id DESC",
    params: [input.tenantId, input.requesterId, ...(input.status === undefined ? [] : [input.status])],
    paging: input,
    map: toRequestSummary,
  });
}

export async function getSummaryRow(
  db: SqlDatabase,
  scope: { tenantId: string; requestId: string },
): Promise<SummaryRow | null> {
  return db
    .prepare(`${SUMMARY_SELECT} WHERE r.tenant_id = ? AND r.request_id = ?`)
    .bind(scope.tenantId, scope.requestId)
    .first<SummaryRow>();
}

/** The admin queue: pending requests oldest first, flagged when they waited more than 48 h. */
/** A project approver sees only their projects' requests; a tenant admin (no list) sees all. */
export interface ApproverScope {
  onlyProjects?: readonly string[];
}

/** The SQL that keeps a project approver to their projects' rows (none given: a tenant admin, every row). */
export function onlyProjects(projectIds: readonly string[] | undefined, column: string) {
  if (projectIds === undefined) return { sql: "", params: [] as string[] };
  // not "AND 0": SQLite folds that into the WHERE, which then no longer implies a partial index the
  // query reads through (INDEXED BY), and the statement fails; IN (NULL) matches nothing as well
  if (projectIds.length === 0) return { sql: ` AND ${column} IN (NULL)`, params: [] as string[] };
  return { sql: ` AND ${column} IN (${projectIds.map(() => "?").join(", ")})`, params: [...projectIds] };
}

export function pendingQueue(
  db: SqlDatabase,
  input: Paging & { tenantId: string; projectId?: string; now: Date } & ApproverScope,
): Promise<Page<PendingRequest>> {
  const project = input.projectId === undefined ? "" : " AND r.project_id = ?";
  const scope = onlyProjects(input.onlyProjects, "r.project_id");
  return paged(db, {
    where: `r.tenant_id = ? AND r.status = 'PENDING'${project}${scope.sql}`,
    index: "request_summary_pending",
    order: "r.created_at ASC, r.request_id ASC",
    params: [input.tenantId, ...(input.projectId === undefined ? [] : [input.projectId]), ...scope.params],
    paging: input,
    map: (row) => {
      const waitingMs = Math.max(0, input.now.getTime() - Date.parse(row.created_at));
      return {
        ...toRequestSummary(row),
        justification: row.justification,
        waitingMs,
        waitingLong: waitingMs > WAITING_LONG_MS,
      };
    },
  });
}

/** How many requests of the tenant wait for a decision (the badge on the admins' Approvals link). */
export async function pendingCount(
  db: SqlDatabase,
  tenantId: string,
  approver: ApproverScope = {},
): Promise<number> {
  const scope = onlyProjects(approver.onlyProjects, "project_id");
  const row = await db
    .prepare(
      `SELECT count(*) AS n FROM request_summary INDEXED BY request_summary_pending
       WHERE tenant_id = ? AND status = 'PENDING'${scope.sql}`,
    )
    .bind(tenantId, ...scope.params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Up to `limit` other requests by the same person, newest first (admin request detail). */
export async function recentRequestsBy(
  db: SqlDatabase,
  input: { tenantId: string; requesterId: string; excludeRequestId: string; limit: number },
): Promise<RequestSummary[]> {
  const { results } = await db
    .prepare(
      `${SUMMARY_SELECT} WHERE r.tenant_id = ? AND r.requester_id = ? AND r.request_id <> ?
       ORDER BY r.created_at DESC LIMIT ?`,
    )
    .bind(input.tenantId, input.requesterId, input.excludeRequestId, input.limit)
    .all<SummaryRow>();
  return results.map(toRequestSummary);
}
