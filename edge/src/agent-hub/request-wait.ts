import type { RequestWait } from "@gantry/shared/api/requests";
import type { Principal } from "../auth/principal.ts";
import { visibleRequestSite } from "../projections/request-site.ts";
import { jobIdFor } from "../provisioning/ids.ts";
import { siteHub } from "../stubs.ts";
import { describeWait } from "./wait-reason.ts";

/**
 * Why an approved request's job has not started, or why a running one is being stopped, as its site's
 * hub sees it now ("no agent connected for site Acme lab since 10:04 UTC"): the requester is told what
 * the admins see instead of a bare "waiting". Null for a request that is not visible to the caller;
 * `reason` null while the job runs normally.
 */
export async function requestWait(
  env: Env,
  input: { principal: Principal; requestId: string },
): Promise<RequestWait | null> {
  const { principal, requestId } = input;
  const request = await visibleRequestSite(env.DB, principal, requestId);
  if (!request) return null;
  // an approved request waits for an agent; a provisioning one may be stopping (too long, or an admin)
  if (request.status !== "APPROVED" && request.status !== "PROVISIONING")
    return { reason: null, stopping: false };
  const job = await siteHub(env, request.siteId).jobStatus(jobIdFor(requestId));
  return {
    reason: job?.waiting ? describeWait(job.waiting, request.siteName) : null,
    stopping: job?.waiting?.code === "STOPPING",
  };
}
