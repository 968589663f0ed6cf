import type { AuditAction } from "@gantry/shared/api/audit";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { EventMetadata } from "@gantry/shared/events/event-metadata";
import type { InlineProjection } from "../event-store/inline-projection.ts";
import { requestIdOfEvent } from "./request-summary-projection.ts";
import { vmAuditEntry } from "./vm-audit-entries.ts";

export const AUDIT_LOG = "audit_log";

const entryFor = (event: DomainEvent): { action: AuditAction; summary: string } | null => {
  switch (event.type) {
    case "VmRequestSubmitted": {
      const { name, size, projectId } = event.data;
      return {
        action: "REQUEST_SUBMITTED",
        summary: `requested VM ${name} (${size}) in project ${projectId}`,
      };
    }
    case "VmRequestApproved":
      return { action: "REQUEST_APPROVED", summary: `approved; job ${event.data.jobId}` };
    case "VmRequestRejected":
      return { action: "REQUEST_REJECTED", summary: `rejected: ${event.data.reason}` };
    case "VmRequestCancelled":
      return {
        action: "REQUEST_CANCELLED",
        summary: event.data.reason ? `cancelled: ${event.data.reason}` : "cancelled",
      };
    case "VmRequestStopRequested":
      return { action: "PROVISIONING_STOPPED", summary: `stopped provisioning: ${event.data.reason}` };
    case "VmLeftoverCleared":
      return {
        action: "LEFTOVER_CLEARED",
        summary: event.data.note
          ? `cleared the half-built VM left in vCenter: ${event.data.note}`
          : "cleared the half-built VM left in vCenter",
      };
    default:
      return null;
  }
};

/** A person's decision on a request, a command on a VM, or what vCenter showed of a VM behind Gantry's back. */
const auditEntry = (event: DomainEvent, metadata: EventMetadata) =>
  metadata.actorKind === "user"
    ? (entryFor(event) ?? vmAuditEntry(event, metadata))
    : vmAuditEntry(event, metadata);

/**
 * Who did what when: one row per action a person took, and one per change made to a VM outside Gantry
 * (its agent the reporter). Agent progress is on each request's and VM's timeline, which keeps this table
 * (and its writes) to what an auditor asks about.
 */
export const auditLogProjection: InlineProjection = {
  name: "audit-log",
  tables: [AUDIT_LOG],
  project(e, target) {
    const entry = auditEntry(e.event, e.metadata);
    if (!entry) return [];
    return [
      target.db
        .prepare(
          // the position is assigned by the events insert earlier in this same batch
          `INSERT INTO ${target.table(AUDIT_LOG)} (tenant_id, position, occurred_at, actor_id, actor_name, action, request_id, summary)
           VALUES (?, (SELECT position FROM events WHERE stream_id = ? AND version = ?), ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          e.metadata.tenantId,
          e.streamId,
          e.version,
          e.occurredAt,
          e.metadata.actorId,
          e.metadata.actorName ?? null,
          entry.action,
          requestIdOfEvent(e),
          entry.summary,
        ),
    ];
  },
};
