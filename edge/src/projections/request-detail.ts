import type { ApprovalProgressView } from "@gantry/shared/api/approval-policies";
import type { RequestDetail, StageProgress } from "@gantry/shared/api/requests";
import type { ReachedStage } from "@gantry/shared/events/vm";
import { isAdmin, type Principal } from "../auth/principal.ts";
import { readStreams } from "../event-store/read-stream.ts";
import { type SqlDatabase, type StoredEvent, streamIds } from "../event-store/stored-event.ts";
import { jobIdFor, vmIdFor } from "../provisioning/ids.ts";
import { projectsApprovedBy } from "../tenancy/project-approvers.ts";
import { withHeldStages } from "./carried-events.ts";
import { computeEta } from "./eta.ts";
import { getSummaryRow, recentRequestsBy } from "./request-queries.ts";
import { loadStageStats, type StageStats } from "./stage-run-queries.ts";
import { toRequestSummary } from "./summary-row.ts";
import { stagesOf, timelineOf } from "./timeline.ts";

const RECENT_BY_REQUESTER = 5;
/** The same window the live progress view uses, so the detail page and the stepper agree. */
const ETA_RUNS = 20;

function etaMsOf(stats: StageStats | null, stages: readonly StageProgress[], now: Date): number | null {
  const timings = stages.map((s) => ({
    stage: s.stage,
    startedAt: s.startedAt,
    endedAt: s.durationMs === null ? null : new Date(Date.parse(s.startedAt) + s.durationMs).toISOString(),
  }));
  const eta = computeEta({ stats, stages: timings, now: now.getTime() });
  return eta ? Math.max(0, Date.parse(eta.finishAt) - now.getTime()) : null;
}

/** The approval policy's rule and the approvals given, from the request's own events. */
function approvalsOf(events: readonly StoredEvent[]): ApprovalProgressView | null {
  const applied = events.find((e) => e.event.type === "VmRequestPolicyApplied")?.event;
  if (applied?.type !== "VmRequestPolicyApplied") return null;
  const { approvalsRequired, explanation, rejectAt } = applied.data;
  const given = events.filter((e) => e.event.type === "VmRequestApprovalGiven").length;
  return { required: approvalsRequired, given, explanation, rejectAt };
}

/**
 * The stages after the first a running job's hub holds (the log gets them with the outcome); empty when
 * the hub cannot say.
 */
export type LoadHeldStages = (job: { siteId: string; jobId: string }) => Promise<ReachedStage[]>;

/**
 * One request as its detail page shows it, or null when the caller may not see it (another tenant,
 * or a member looking at someone else's request), exactly as if it did not exist.
 */
export async function getRequestDetail(
  db: SqlDatabase,
  input: { principal: Principal; requestId: string; now: Date; heldStages?: LoadHeldStages },
): Promise<RequestDetail | null> {
  const { principal, requestId } = input;
  const admin = isAdmin(principal);
  const row = await getSummaryRow(db, { tenantId: principal.tenantId, requestId });
  if (!row) return null;
  // admins see every request; a project approver their projects' (to decide them); a member their own
  const approver =
    !admin &&
    row.requester_id !== principal.userId &&
    (await projectsApprovedBy(db, { tenantId: principal.tenantId, userId: principal.userId })).includes(
      row.project_id,
    );
  if (!admin && !approver && row.requester_id !== principal.userId) return null;

  const logged = await readStreams(db, [streamIds.vmRequest(requestId), streamIds.vm(vmIdFor(requestId))]);
  // while the job runs, its stages after the first are in its hub's live record, not in the log yet
  const held =
    row.status === "PROVISIONING" && row.site_id !== null && input.heldStages
      ? await input.heldStages({ siteId: row.site_id, jobId: jobIdFor(requestId) })
      : [];
  const events = withHeldStages(logged, held);
  const stats =
    row.status === "PROVISIONING"
      ? await loadStageStats(db, { tenantId: principal.tenantId, requestId, runs: ETA_RUNS })
      : null;
  const stages = stagesOf(events);
  const summary = toRequestSummary(row);
  const decision =
    row.decided_by === null || row.decided_at === null
      ? null
      : { by: row.decided_by, byName: row.decided_by_name, at: row.decided_at, reason: row.decision_reason };

  const detail: RequestDetail = {
    // the row keeps no stage while provisioning (a written row each): the history (with the stages the
    // hub holds) has the current one
    request: {
      ...summary,
      stage: stages.at(-1)?.stage ?? summary.stage,
      justification: row.justification,
      decision,
    },
    timeline: timelineOf(events, { admin }),
    stages,
    etaMs: etaMsOf(stats, stages, input.now),
    access: { dnsDomain: row.site_dns_domain, loginUser: row.site_login_user },
    approvals: approvalsOf(events),
  };
  // who asked and what else they asked for, to decide with: for whoever may decide it
  if (!admin && !approver) return detail;
  const recentRequests = await recentRequestsBy(db, {
    tenantId: principal.tenantId,
    requesterId: row.requester_id,
    excludeRequestId: requestId,
    limit: RECENT_BY_REQUESTER,
  });
  return { ...detail, requesterContext: { requester: summary.requester, recentRequests } };
}
