import type { RequestWait } from "@gantry/shared/api/requests";
import type { Principal } from "../auth/principal.ts";
import { isAdmin } from "../auth/principal.ts";
import { jobIdFor } from "../provisioning/build-job.ts";
import { siteHub } from "./hub-handoff.ts";
import { describeWait } from "./wait-reason.ts";

/**
 * Why an approved request's job has not started, as its site's hub sees it now ("no agent connected
 * for site Acme lab since 10:04 UTC"): the requester is told what the admins see instead of a bare
 * "waiting". Null for a request that is not visible to the caller; `reason` null once the job runs.
 */
export async function requestWait(
  env: Env,
  input: { principal: Principal; requestId: string },
): Promise<RequestWait | null> {
  const { principal, requestId } = input;
  const row = await env.DB.prepare(
    `SELECT r.status, r.requester_id, p.site_id, s.name AS site_name FROM request_summary r
     JOIN projects p ON p.id = r.project_id JOIN sites s ON s.id = p.site_id
     WHERE r.tenant_id = ? AND r.request_id = ?`,
  )
    .bind(principal.tenantId, requestId)
    .first<{ status: string; requester_id: string; site_id: string; site_name: string }>();
  if (!row || (!isAdmin(principal) && row.requester_id !== principal.userId)) return null;
  // only an approved request waits for an agent; once a stage arrived it is PROVISIONING
  if (row.status !== "APPROVED") return { reason: null };
  const job = await siteHub(env, row.site_id).jobStatus(jobIdFor(requestId));
  return { reason: job?.waiting ? describeWait(job.waiting, row.site_name) : null };
}
