import type { SqlDatabase } from "../event-store/stored-event.ts";
import { approverContacts } from "../tenancy/project-approvers.ts";
import type { RequestFacts } from "./request-facts.ts";

/** A person a notification goes to. */
export interface Recipient {
  userId: string;
  email: string;
  name: string;
}

/**
 * Who gets a kind of notification: the request's requester, the VM's owner (the requester: ownership
 * does not move today), the approvers of the request's project, or the tenant's admins.
 */
export type RecipientRule = "requester" | "owner" | "approvers" | "admins";

/** The one place recipients are resolved. */
export async function resolveRecipients(
  db: SqlDatabase,
  rule: RecipientRule,
  input: { tenantId: string; request: RequestFacts | null },
): Promise<Recipient[]> {
  const { request } = input;
  switch (rule) {
    case "requester":
    case "owner":
      return request
        ? [{ userId: request.requesterId, email: request.requesterEmail, name: request.requesterName }]
        : [];
    case "approvers":
      return request ? projectApprovers(db, { tenantId: input.tenantId, projectId: request.projectId }) : [];
    case "admins":
      return tenantAdmins(db, input.tenantId);
  }
}

/**
 * The approvers of a project: the people named its approvers when it names any (tenant admins could
 * decide too, but the project chose who should), else the tenant's admins.
 */
async function projectApprovers(
  db: SqlDatabase,
  input: { tenantId: string; projectId: string },
): Promise<Recipient[]> {
  const named = await approverContacts(db, input);
  return named.length > 0 ? named : tenantAdmins(db, input.tenantId);
}

async function tenantAdmins(db: SqlDatabase, tenantId: string): Promise<Recipient[]> {
  const { results } = await db
    .prepare(
      "SELECT id AS userId, email, name FROM users WHERE tenant_id = ? AND role = 'admin' ORDER BY id LIMIT 200",
    )
    .bind(tenantId)
    .all<Recipient>();
  return results;
}
