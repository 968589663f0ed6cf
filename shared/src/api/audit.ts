import { z } from "zod";

/** Newest first; pass the previous page's `nextCursor` to go back in time. */
export const ListAuditInput = z
  .object({
    cursor: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .strict()
  .prefault({});
export type ListAuditInput = z.input<typeof ListAuditInput>;

export type AuditAction =
  | "REQUEST_SUBMITTED"
  | "REQUEST_APPROVED"
  | "REQUEST_REJECTED"
  | "REQUEST_CANCELLED"
  | "PROVISIONING_STOPPED"
  | "LEFTOVER_CLEARED"
  // the VM after READY: each command a person gave (why is in the summary), and what vCenter showed
  | "VM_POWER_ON"
  | "VM_POWER_OFF"
  | "VM_SHUTDOWN_GUEST"
  | "VM_RESTART"
  | "VM_DELETE"
  | "VM_RESIZE"
  | "VM_SNAPSHOT_CREATE"
  | "VM_SNAPSHOT_REVERT"
  | "VM_SNAPSHOT_DELETE"
  | "VM_RESIZE_REQUESTED"
  | "VM_RESIZE_APPROVED"
  | "VM_RESIZE_REJECTED"
  | "VM_RESIZE_WITHDRAWN"
  | "VM_CHANGED_OUTSIDE_GANTRY"
  | "VM_GONE"
  // leases (issue 16): what people decided; the scheduler's warnings and enforcement are on the VM's timeline
  | "VM_LEASE_EXTENDED"
  | "VM_LEASE_EXTENSION_REQUESTED"
  | "VM_LEASE_EXTENSION_REJECTED"
  | "VM_LEASE_EXTENSION_WITHDRAWN"
  | "VM_LEASE_EXEMPTED"
  | "LEASE_POLICY_CHANGED"
  | "SITE_SETTINGS_CHANGED"
  | "ENROLLMENT_TOKEN_CREATED"
  | "ENROLLMENT_TOKEN_REVOKED"
  | "AGENT_ENROLLED"
  | "AGENT_REVOKED"
  | "AGENT_CREDENTIAL_ROTATED"
  | "AGENT_DUPLICATE_CONNECTION"
  | "SESSIONS_ENDED";

/** What an audit entry is about. */
export type AuditSubjectKind = "request" | "vm" | "site" | "agent" | "user" | "project" | "tenant";

export interface AuditEntry {
  position: number;
  at: string;
  actor: { id: string; name: string | null };
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
