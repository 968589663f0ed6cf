import { z } from "zod";
import { ActorKind } from "../events/event-metadata.ts";

/** Every action the audit log records, for the page's filter; names are never renamed. */
export const AUDIT_ACTIONS = [
  "REQUEST_SUBMITTED",
  "REQUEST_APPROVED",
  "APPROVAL_POLICY_CHANGED",
  "REQUEST_REJECTED",
  "REQUEST_CANCELLED",
  "PROVISIONING_STOPPED",
  "LEFTOVER_CLEARED",
  // the VM after READY: each command a person gave (why is in the summary), and what vCenter showed
  "VM_POWER_ON",
  "VM_POWER_OFF",
  "VM_SHUTDOWN_GUEST",
  "VM_RESTART",
  "VM_DELETE",
  "VM_RESIZE",
  "VM_SNAPSHOT_CREATE",
  "VM_SNAPSHOT_REVERT",
  "VM_SNAPSHOT_DELETE",
  "VM_RESIZE_REQUESTED",
  "VM_RESIZE_APPROVED",
  "VM_RESIZE_REJECTED",
  "VM_RESIZE_WITHDRAWN",
  "VM_CHANGED_OUTSIDE_GANTRY",
  "VM_GONE",
  "VM_REAPPEARED",
  // a first of two approvals of a resize or extension the approval policy asks for (issue 18)
  "VM_APPROVAL_GIVEN",
  // leases (issue 16): what people decided; the scheduler's warnings and enforcement are on the VM's timeline
  "VM_LEASE_EXTENDED",
  "VM_LEASE_EXTENSION_REQUESTED",
  "VM_LEASE_EXTENSION_REJECTED",
  "VM_LEASE_EXTENSION_WITHDRAWN",
  "VM_LEASE_EXEMPTED",
  "LEASE_POLICY_CHANGED",
  "QUOTA_CHANGED",
  "SITE_SCANNED",
  "UNOWNED_VM_DESTROY_REQUESTED",
  "UNOWNED_VM_DESTROYED",
  "UNOWNED_VM_DESTROY_FAILED",
  "VM_ADOPTED",
  "SITE_SETTINGS_CHANGED",
  "ENROLLMENT_TOKEN_CREATED",
  "ENROLLMENT_TOKEN_REVOKED",
  "AGENT_ENROLLED",
  "AGENT_REVOKED",
  "AGENT_CREDENTIAL_ROTATED",
  "AGENT_DUPLICATE_CONNECTION",
  "SESSIONS_ENDED",
  // tenant administration (issue 17)
  "TENANT_ONBOARDED",
  "PROJECT_CREATED",
  "PROJECT_CHANGED",
  "PROJECT_ARCHIVED",
  "PROJECT_APPROVER_CHANGED",
  "SITE_CREATED",
  "SITE_RENAMED",
  "SITE_ARCHIVED",
  "USER_ROLE_CHANGED",
  "API_TOKEN_CREATED",
  "API_TOKEN_REVOKED",
  "SIZE_ADDED",
  "SIZE_CHANGED",
  "SIZE_RETIRED",
  "IDP_GROUP_ROLE_CHANGED",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const Instant = z.iso.datetime({ offset: true });

/**
 * Which entries: by who caused them (a person's or agent's id, or every actor of a kind), by action, by
 * project (entries about its requests and VMs) and by time (`from` inclusive, `to` exclusive).
 */
export const AuditFilter = z
  .object({
    actorId: z.string().trim().min(1).max(255).optional(),
    actorKind: ActorKind.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    projectId: z.string().trim().min(1).max(255).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to), {
    message: "the range ends before it starts",
    path: ["to"],
  });
export type AuditFilter = z.infer<typeof AuditFilter>;

/** Newest first; pass the previous page's `nextCursor` to go back in time. */
export const ListAuditInput = z
  .object({
    cursor: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    filter: AuditFilter.optional(),
  })
  .strict()
  .prefault({});
export type ListAuditInput = z.input<typeof ListAuditInput>;

/** What an audit entry is about. */
export type AuditSubjectKind =
  | "request"
  | "vm"
  | "site"
  | "agent"
  | "user"
  | "project"
  | "tenant"
  | "token"
  | "size";

export interface AuditEntry {
  position: number;
  at: string;
  /** `tokenId` when a person acted through an API token */
  actor: { id: string; kind: ActorKind; name: string | null; tokenId: string | null };
  action: AuditAction;
  subject: { kind: AuditSubjectKind; id: string };
  /**
   * the request, for entries about one; for VM_* entries the VM's request (a VM shares its request's id);
   * null for a site's, agent's or person's
   */
  requestId: string | null;
  summary: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: number | null;
}
