import type { RequestDetail } from "@gantry/shared/api/requests";
import { isAdmin, type Principal } from "../auth/principal.ts";
import { readStreams } from "../event-store/read-stream.ts";
import { type SqlDatabase, streamIds } from "../event-store/stored-event.ts";
import { vmIdFor } from "../provisioning/build-job.ts";
import { getSummaryRow, recentRequestsBy } from "./request-queries.ts";
import { remainingMs, stageAverages } from "./stage-duration-queries.ts";
import { toRequestSummary } from "./summary-row.ts";
import { stagesOf, timelineOf } from "./timeline.ts";

const RECENT_BY_REQUESTER = 5;

/**
 * One request as its detail page shows it, or null when the caller may not see it (another tenant,
 * or a member looking at someone else's request), exactly as if it did not exist.
 */
export async function getRequestDetail(
  db: SqlDatabase,
  input: { principal: Principal; requestId: string; now: Date },
): Promise<RequestDetail | null> {
  const { principal, requestId } = input;
  const admin = isAdmin(principal);
  const row = await getSummaryRow(db, { tenantId: principal.tenantId, requestId });
  if (!row || (!admin && row.requester_id !== principal.userId)) return null;

  const events = await readStreams(db, [streamIds.vmRequest(requestId), streamIds.vm(vmIdFor(requestId))]);
  const averages = row.status === "PROVISIONING" ? await stageAverages(db, principal.tenantId) : null;
  const summary = toRequestSummary(row);
  const decision =
    row.decided_by === null || row.decided_at === null
      ? null
      : { by: row.decided_by, byName: row.decided_by_name, at: row.decided_at, reason: row.decision_reason };

  const detail: RequestDetail = {
    request: { ...summary, justification: row.justification, decision },
    timeline: timelineOf(events, { admin }),
    stages: stagesOf(events),
    etaMs: averages ? remainingMs(averages, { stage: row.stage, since: row.stage_at, now: input.now }) : null,
  };
  if (!admin) return detail;
  const recentRequests = await recentRequestsBy(db, {
    tenantId: principal.tenantId,
    requesterId: row.requester_id,
    excludeRequestId: requestId,
    limit: RECENT_BY_REQUESTER,
  });
  return { ...detail, requesterContext: { requester: summary.requester, recentRequests } };
}
