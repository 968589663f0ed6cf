import type { SqlDatabase } from "../event-store/stored-event.ts";

export interface OverdueAction {
  tenantId: string;
  vmId: string;
  actionId: string;
  jobId: string;
  siteId: string;
  deadline: string;
}

/** Actions still running after their deadline, across tenants, oldest deadline first (the cron's sweep). */
export async function overdueActions(
  db: SqlDatabase,
  input: { now: string; limit: number },
): Promise<OverdueAction[]> {
  const { results } = await db
    .prepare(
      `SELECT r.tenant_id, r.request_id, r.vm_action_id, p.site_id, r.vm_action_deadline
       FROM request_summary r JOIN projects p ON p.id = r.project_id AND p.tenant_id = r.tenant_id
       WHERE r.vm_action_id IS NOT NULL AND r.vm_action_deadline < ?
       ORDER BY r.vm_action_deadline LIMIT ?`,
    )
    .bind(input.now, input.limit)
    .all<{
      tenant_id: string;
      request_id: string;
      vm_action_id: string;
      site_id: string;
      vm_action_deadline: string;
    }>();
  return results.map((r) => ({
    tenantId: r.tenant_id,
    vmId: r.request_id,
    actionId: r.vm_action_id,
    jobId: `job-${r.vm_action_id}`,
    siteId: r.site_id,
    deadline: r.vm_action_deadline,
  }));
}
