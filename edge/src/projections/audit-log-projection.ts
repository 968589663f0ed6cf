import type { AuditAction, AuditSubjectKind } from "@gantry/shared/api/audit";
import { type DomainEvent, isTenancyEvent } from "@gantry/shared/events/catalog";
import { isPersonActor } from "@gantry/shared/events/event-metadata";
import type { TenancyEvent } from "@gantry/shared/events/tenancy";
import type { InlineProjection } from "../event-store/inline-projection.ts";
import type { RecordedEvent } from "../event-store/stored-event.ts";
import { administrationEntry } from "./administration-audit-entries.ts";
import { requestIdOfEvent } from "./request-summary-projection.ts";
import { vmAuditEntry } from "./vm-audit-entries.ts";

export const AUDIT_LOG = "audit_log";

interface Entry {
  action: AuditAction;
  subject: { kind: AuditSubjectKind; id: string };
  requestId: string | null;
  summary: string;
}

const aboutRequest = (requestId: string, action: AuditAction, summary: string): Entry => ({
  action,
  subject: { kind: "request", id: requestId },
  requestId,
  summary,
});

/** What a person did to a request (agent progress is on the request's timeline instead). */
function requestEntry(event: DomainEvent): Entry | null {
  switch (event.type) {
    case "VmRequestSubmitted": {
      const { requestId, name, size, projectId } = event.data;
      return aboutRequest(
        requestId,
        "REQUEST_SUBMITTED",
        `requested VM ${name} (${size}) in project ${projectId}`,
      );
    }
    case "VmRequestApproved": {
      const { requestId, jobId, explanation } = event.data;
      const why = explanation ? `${explanation}; ` : "";
      return aboutRequest(requestId, "REQUEST_APPROVED", `${why}approved; job ${jobId}`);
    }
    case "VmRequestApprovalGiven": {
      const { requestId, given, required } = event.data;
      return aboutRequest(requestId, "REQUEST_APPROVED", `approval ${given} of ${required} given`);
    }
    case "VmRequestRejected":
      return aboutRequest(event.data.requestId, "REQUEST_REJECTED", `rejected: ${event.data.reason}`);
    case "VmRequestCancelled": {
      const { requestId, reason } = event.data;
      return aboutRequest(requestId, "REQUEST_CANCELLED", reason ? `cancelled: ${reason}` : "cancelled");
    }
    case "VmRequestStopRequested":
      return aboutRequest(
        event.data.requestId,
        "PROVISIONING_STOPPED",
        `stopped provisioning: ${event.data.reason}`,
      );
    case "VmAdopted": {
      const { requestId, name, vmwareId, oldMarker, projectId, owner, jobId } = event.data;
      return aboutRequest(
        requestId,
        "VM_ADOPTED",
        `adopted unowned VM ${name} (${vmwareId}, marker ${oldMarker}) into project ${projectId} for ${owner.name}; job ${jobId}`,
      );
    }
    case "VmLeftoverCleared": {
      const { requestId, note } = event.data;
      const summary = "cleared the half-built VM left in vCenter";
      return aboutRequest(requestId, "LEFTOVER_CLEARED", note ? `${summary}: ${note}` : summary);
    }
    default:
      return null;
  }
}

/** A tenant's own facts, whoever caused them (a person, an agent redeeming a token, the hub's alert). */
function tenancyEntry(event: TenancyEvent): Entry | null {
  const site = (id: string) => ({ kind: "site" as const, id });
  const agent = (id: string) => ({ kind: "agent" as const, id });
  switch (event.type) {
    case "SiteScanned": {
      // the schedule's and reconnects' scans are on the reconciliation page; an admin's ask is audited
      if (event.data.trigger !== "on-demand") return null;
      const { siteId, markerVms, unowned, missing } = event.data;
      return {
        action: "SITE_SCANNED",
        subject: site(siteId),
        requestId: null,
        summary: `reconciliation scan: ${markerVms} VM(s) with our marker, ${unowned} unowned, ${missing} newly missing`,
      };
    }
    case "UnownedVmDestroyRequested": {
      const { siteId, name, vmwareId, markerRequestId, jobId } = event.data;
      return {
        action: "UNOWNED_VM_DESTROY_REQUESTED",
        subject: site(siteId),
        requestId: null,
        summary: `asked to destroy unowned VM ${name} (${vmwareId}, marker ${markerRequestId}); job ${jobId}`,
      };
    }
    case "UnownedVmDestroyed": {
      const { siteId, name, vmwareId, note } = event.data;
      return {
        action: "UNOWNED_VM_DESTROYED",
        subject: site(siteId),
        requestId: null,
        summary: `destroyed unowned VM ${name} (${vmwareId})${note ? `: ${note}` : ""}`,
      };
    }
    case "UnownedVmDestroyFailed": {
      const { siteId, name, vmwareId, code } = event.data;
      return {
        action: "UNOWNED_VM_DESTROY_FAILED",
        subject: site(siteId),
        requestId: null,
        summary: `did not destroy unowned VM ${name} (${vmwareId}): ${code}`,
      };
    }
    case "SiteSettingsChanged": {
      const { siteId, placement, networkPath } = event.data;
      return {
        action: "SITE_SETTINGS_CHANGED",
        subject: site(siteId),
        requestId: null,
        summary: `placement set to template ${placement.templatePath}, folder ${placement.folderPath}, pool ${placement.poolPath}, network ${networkPath}`,
      };
    }
    case "EnrollmentTokenCreated":
      return {
        action: "ENROLLMENT_TOKEN_CREATED",
        subject: site(event.data.siteId),
        requestId: null,
        summary: `created enrollment token ${event.data.tokenId}, valid until ${event.data.expiresAt}`,
      };
    case "EnrollmentTokenRevoked":
      return {
        action: "ENROLLMENT_TOKEN_REVOKED",
        subject: site(event.data.siteId),
        requestId: null,
        summary: `revoked unused enrollment token ${event.data.tokenId}`,
      };
    case "AgentEnrolled":
      return {
        action: "AGENT_ENROLLED",
        subject: agent(event.data.agentId),
        requestId: null,
        summary: `agent ${event.data.name} enrolled for site ${event.data.siteId} with token ${event.data.tokenId}`,
      };
    case "AgentRevoked":
      return {
        action: "AGENT_REVOKED",
        subject: agent(event.data.agentId),
        requestId: null,
        summary: `revoked agent ${event.data.agentId} of site ${event.data.siteId}`,
      };
    case "AgentCredentialRotated":
      return {
        action: "AGENT_CREDENTIAL_ROTATED",
        subject: agent(event.data.agentId),
        requestId: null,
        summary: "the agent replaced its credential; the old one no longer works",
      };
    case "AgentDuplicateConnection": {
      const { refusedFrom, attempts } = event.data;
      return {
        action: "AGENT_DUPLICATE_CONNECTION",
        subject: agent(event.data.agentId),
        requestId: null,
        summary: `a second connection with this agent's credential (from ${refusedFrom}, ${attempts} attempt(s)) was refused while the first one was live: revoke the agent and enroll it again if this was not a second copy of it`,
      };
    }
    case "UserSessionsEnded": {
      const { userId, reason, sessions } = event.data;
      const how =
        reason === "signed-out-everywhere" ? "signed out everywhere" : "an admin ended the sessions";
      return {
        action: "SESSIONS_ENDED",
        subject: { kind: "user", id: userId },
        requestId: null,
        summary: `${how} (${sessions} session(s))`,
      };
    }
    case "ApiTokenCreated": {
      const { tokenId, name, scopes, expiresAt } = event.data;
      return {
        action: "API_TOKEN_CREATED",
        subject: { kind: "token", id: tokenId },
        requestId: null,
        summary: `created API token "${name}" (${scopes.join(", ")}), valid until ${expiresAt}`,
      };
    }
    case "ApiTokenRevoked":
      return {
        action: "API_TOKEN_REVOKED",
        subject: { kind: "token", id: event.data.tokenId },
        requestId: null,
        summary: `revoked API token ${event.data.tokenId} of ${event.data.ownerId}`,
      };
    case "LeasePolicyChanged": {
      const { projectId, policy } = event.data;
      const subject = projectId
        ? { kind: "project" as const, id: projectId }
        : { kind: "tenant" as const, id: "lease-policy" };
      const what = policy
        ? `initial ${policy.initialTermSeconds} s, extension ≤ ${policy.maxExtensionSeconds} s, total ≤ ${policy.maxTotalSeconds} s, grace ${policy.graceSeconds} s, ${policy.enforcement}`
        : "cleared (the tenant's default applies)";
      return { action: "LEASE_POLICY_CHANGED", subject, requestId: null, summary: `lease policy ${what}` };
    }
    case "QuotaChanged": {
      const { projectId, limits } = event.data;
      const subject = projectId
        ? { kind: "project" as const, id: projectId }
        : { kind: "tenant" as const, id: "quota" };
      const limit = (n: number | null, unit: string) => (n === null ? "unlimited" : `${n}${unit}`);
      const summary = `quota vCPU ${limit(limits.vcpu, "")}, memory ${limit(limits.memoryGb, " GB")}, disk ${limit(limits.diskGb, " GB")}, VMs ${limit(limits.vms, "")}`;
      return { action: "QUOTA_CHANGED", subject, requestId: null, summary };
    }
    case "ApprovalPolicyChanged": {
      const { projectId, policy } = event.data;
      const subject = projectId
        ? { kind: "project" as const, id: projectId }
        : { kind: "tenant" as const, id: "approval-policy" };
      const what = policy
        ? `${policy.rules.length} rule(s): ${policy.rules.map((r) => `${r.id} → ${r.outcome.kind === "auto-approve" ? "auto-approve" : `${r.outcome.count} approval(s)`}`).join(", ") || "none"}`
        : "cleared (the tenant's default applies)";
      return {
        action: "APPROVAL_POLICY_CHANGED",
        subject,
        requestId: null,
        summary: `approval policy ${what}`,
      };
    }
    default:
      return administrationEntry(event);
  }
}

/**
 * A tenant's own facts, a person's decision on a request, a command on a VM, or what vCenter showed of a
 * VM behind Gantry's back.
 */
function entryOf(e: RecordedEvent): Entry | null {
  const { event, metadata } = e;
  if (isTenancyEvent(event)) return tenancyEntry(event);
  // a person's decisions, and the approval policy's (its automatic approvals and deadline rejections)
  const byPolicy = metadata.actorKind === "policy";
  const request = isPersonActor(metadata.actorKind) || byPolicy ? requestEntry(event) : null;
  if (request) return request;
  const vm = vmAuditEntry(event, metadata);
  if (!vm) return null;
  // a VM shares its id with the request that built it
  const vmId = requestIdOfEvent({ event });
  return { ...vm, subject: { kind: "vm", id: vmId }, requestId: vmId };
}

/**
 * Who did what when: one row per action a person took (signed in or through an API token) on a request
 * or a VM, one per change made to a VM
 * outside Gantry (its agent the reporter), and every change of a tenant's own facts (sites, agents,
 * enrollment tokens, sessions) whoever caused it. Agent progress is on each request's and VM's timeline,
 * which keeps this table (and its writes) to what an auditor asks about.
 */
export const auditLogProjection: InlineProjection = {
  name: "audit-log",
  tables: [AUDIT_LOG],
  project(e, target) {
    const entry = entryOf(e);
    if (!entry) return [];
    return [
      target.db
        .prepare(
          // the position is assigned by the events insert earlier in this same batch
          `INSERT INTO ${target.table(AUDIT_LOG)} (tenant_id, position, occurred_at, actor_id, actor_name, action, request_id, subject, summary, actor_kind, token_id)
           VALUES (?, (SELECT position FROM events WHERE stream_id = ? AND version = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          e.metadata.tenantId,
          e.streamId,
          e.version,
          e.occurredAt,
          e.metadata.actorId,
          e.metadata.actorName ?? null,
          entry.action,
          entry.requestId,
          `${entry.subject.kind}:${entry.subject.id}`,
          entry.summary,
          e.metadata.actorKind,
          e.metadata.tokenId ?? null,
        ),
    ];
  },
};
