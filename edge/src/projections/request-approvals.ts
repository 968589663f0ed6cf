import type { ApprovalProgressView } from "@gantry/shared/api/approval-policies";
import type { InlineProjection } from "../event-store/inline-projection.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";

export const REQUEST_APPROVALS = "request_approvals";

/**
 * What the approval policy decided for a request (migration 0034): how many approvals it needs and has,
 * and until when it may stay pending. The deadline is cleared once the request is decided or withdrawn,
 * so the cron's sweep only sees requests that can still run out.
 */
export const requestApprovalsProjection: InlineProjection = {
  name: "request-approvals",
  tables: [REQUEST_APPROVALS],
  project(e, target) {
    const { event } = e;
    const table = target.table(REQUEST_APPROVALS);
    const decided = (id: string) =>
      target.db
        .prepare(`UPDATE ${table} SET reject_at = NULL, reject_reason = NULL WHERE request_id = ?`)
        .bind(id);
    const verdict = (
      id: string,
      d: {
        ruleId: string;
        approvalsRequired: number;
        explanation: string;
        rejectAt: string | null;
        pendingDeadline: { reason: string } | null;
      },
    ) =>
      target.db
        .prepare(
          `INSERT INTO ${table} (request_id, tenant_id, rule_id, approvals_required, explanation, reject_at, reject_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`,
        )
        .bind(
          id,
          e.metadata.tenantId,
          d.ruleId,
          d.approvalsRequired,
          d.explanation,
          d.rejectAt,
          d.pendingDeadline?.reason ?? null,
        );
    switch (event.type) {
      case "VmRequestPolicyApplied":
        return [verdict(event.data.requestId, event.data)];
      case "VmApprovalPolicyApplied":
        // a resize's or extension's row is keyed by its approval id (ids of one kind never name another)
        return [verdict(event.data.approvalId, event.data)];
      case "VmRequestApprovalGiven":
      case "VmApprovalGiven": {
        const id = event.type === "VmApprovalGiven" ? event.data.approvalId : event.data.requestId;
        return [
          target.db
            .prepare(`UPDATE ${table} SET approvals_given = ? WHERE request_id = ?`)
            .bind(event.data.given, id),
        ];
      }
      case "VmRequestApproved":
      case "VmRequestRejected":
      case "VmRequestCancelled":
        return [decided(event.data.requestId)];
      case "VmResizeApproved":
      case "VmResizeRejected":
      case "VmLeaseExtensionRejected":
        return [decided(event.data.approvalId)];
      case "VmLeaseExtended":
        return event.data.approvalId === null ? [] : [decided(event.data.approvalId)];
      default:
        return [];
    }
  },
};

/** A queue's page of resizes or extensions with "1 of 2 approvals" for each, keyed by its approval id. */
export async function withApprovalProgress<T extends { approvalId: string }>(
  db: SqlDatabase,
  input: { tenantId: string; items: readonly T[] },
): Promise<(T & { approvals: ApprovalProgressView | null })[]> {
  const progress = await approvalProgressOf(db, {
    tenantId: input.tenantId,
    requestIds: input.items.map((i) => i.approvalId),
  });
  return input.items.map((i) => ({ ...i, approvals: progress.get(i.approvalId) ?? null }));
}

interface ProgressRow {
  request_id: string;
  approvals_required: number;
  approvals_given: number;
  explanation: string;
  reject_at: string | null;
}

/** The policy's verdict and the approvals given so far for each of these requests of the tenant. */
export async function approvalProgressOf(
  db: SqlDatabase,
  input: { tenantId: string; requestIds: readonly string[] },
): Promise<Map<string, ApprovalProgressView>> {
  if (input.requestIds.length === 0) return new Map();
  const marks = input.requestIds.map(() => "?").join(", ");
  const { results } = await db
    .prepare(
      `SELECT request_id, approvals_required, approvals_given, explanation, reject_at
       FROM ${REQUEST_APPROVALS} WHERE tenant_id = ? AND request_id IN (${marks})`,
    )
    .bind(input.tenantId, ...input.requestIds)
    .all<ProgressRow>();
  return new Map(
    results.map((r) => [
      r.request_id,
      {
        required: r.approvals_required,
        given: r.approvals_given,
        explanation: r.explanation,
        rejectAt: r.reject_at,
      },
    ]),
  );
}

export interface PendingPastDeadline {
  tenantId: string;
  /** a request's id, or a resize's or extension's approval id */
  requestId: string;
  reason: string;
  /** set for a resize or extension still waiting on this VM */
  vm: { vmId: string; subject: "resize" | "lease-extension" } | null;
}

/** Requests, resizes and extensions whose policy deadline has passed by `now`, undecided, across tenants. */
export async function pendingPastDeadline(
  db: SqlDatabase,
  input: { now: string; limit: number },
): Promise<PendingPastDeadline[]> {
  const { results } = await db
    .prepare(
      // a resize's or extension's row whose VM no longer waits on it (the VM deleted, its lease ended) is
      // neither a request nor a live approval: left out, so it never takes a place in the batch
      `SELECT * FROM (
         SELECT a.tenant_id, a.request_id, a.reject_reason, a.reject_at,
           EXISTS (SELECT 1 FROM request_summary r
                   WHERE r.tenant_id = a.tenant_id AND r.request_id = a.request_id) AS is_request,
           (SELECT r.request_id FROM request_summary r INDEXED BY request_summary_vm_resizes
            WHERE r.tenant_id = a.tenant_id AND r.vm_resize_approval_id = a.request_id) AS resize_vm,
           (SELECT r.request_id FROM request_summary r INDEXED BY request_summary_vm_extensions
            WHERE r.tenant_id = a.tenant_id AND r.vm_extension_approval_id = a.request_id) AS extension_vm
         FROM ${REQUEST_APPROVALS} a
         WHERE a.reject_at IS NOT NULL AND a.reject_at <= ?)
       WHERE is_request = 1 OR resize_vm IS NOT NULL OR extension_vm IS NOT NULL
       ORDER BY reject_at LIMIT ?`,
    )
    .bind(input.now, input.limit)
    .all<{
      tenant_id: string;
      request_id: string;
      reject_reason: string;
      resize_vm: string | null;
      extension_vm: string | null;
    }>();
  return results.map((r) => ({
    tenantId: r.tenant_id,
    requestId: r.request_id,
    reason: r.reject_reason,
    vm:
      r.resize_vm !== null
        ? { vmId: r.resize_vm, subject: "resize" }
        : r.extension_vm !== null
          ? { vmId: r.extension_vm, subject: "lease-extension" }
          : null,
  }));
}
