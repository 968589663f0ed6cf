import type { SqlDatabase } from "../event-store/stored-event.ts";

// the project_approvers table (migration 0020): read and written only here. A person named approver of a
// project decides its requests (never their own); tenant admins decide every project's.

/** The projects a person approves, within their tenant. */
export async function projectsApprovedBy(
  db: SqlDatabase,
  scope: { tenantId: string; userId: string },
): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT project_id FROM project_approvers WHERE tenant_id = ? AND user_id = ? ORDER BY project_id",
    )
    .bind(scope.tenantId, scope.userId)
    .all<{ project_id: string }>();
  return results.map((r) => r.project_id);
}

/** The people named approvers of a project, with what a notification needs to reach them. */
export async function approverContacts(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<{ userId: string; email: string; name: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT u.id AS userId, u.email, u.name FROM project_approvers a
       JOIN users u ON u.id = a.user_id AND u.tenant_id = a.tenant_id
       WHERE a.tenant_id = ? AND a.project_id = ? ORDER BY u.id LIMIT 200`,
    )
    .bind(scope.tenantId, scope.projectId)
    .all<{ userId: string; email: string; name: string }>();
  return results;
}

/** Every approver of the tenant's projects, by project. */
export async function approversByProject(db: SqlDatabase, tenantId: string): Promise<Map<string, string[]>> {
  const { results } = await db
    .prepare("SELECT project_id, user_id FROM project_approvers WHERE tenant_id = ? ORDER BY user_id")
    .bind(tenantId)
    .all<{ project_id: string; user_id: string }>();
  const byProject = new Map<string, string[]>();
  for (const r of results) byProject.set(r.project_id, [...(byProject.get(r.project_id) ?? []), r.user_id]);
  return byProject;
}

/** Names or withdraws an approver; repeating either is harmless. */
export const setProjectApprover = (
  db: SqlDatabase,
  input: { tenantId: string; projectId: string; userId: string; approver: boolean },
): D1PreparedStatement =>
  input.approver
    ? db
        .prepare("INSERT OR IGNORE INTO project_approvers (tenant_id, project_id, user_id) VALUES (?, ?, ?)")
        .bind(input.tenantId, input.projectId, input.userId)
    : db
        .prepare("DELETE FROM project_approvers WHERE tenant_id = ? AND project_id = ? AND user_id = ?")
        .bind(input.tenantId, input.projectId, input.userId);
