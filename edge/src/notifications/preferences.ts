import { NotificationKind, type PersonalChannel } from "@gantry/shared/api/notifications";
import type { SqlDatabase } from "../event-store/stored-event.ts";

// The owner of `notification_preferences`: who wants which kind by which channel. A missing row is the
// kind's default, so a new person (or a new kind) needs no rows.

/**
 * E-mail by default: approvers hear of pending requests, requesters of a rejection and of READY/FAILED,
 * admins of what needs a hand in vCenter or at an agent. In the inbox only: an approval (READY or FAILED
 * follows within minutes, so a requester gets one e-mail per outcome, not two) and a VM action's outcome
 * (the owner usually watched it happen). Anyone can choose otherwise on the preferences page.
 */
export const EMAIL_BY_DEFAULT: Readonly<Record<NotificationKind, boolean>> = {
  "request.pending": true,
  "request.approved": false,
  "request.rejected": true,
  "vm.ready": true,
  "vm.failed": true,
  "vm.action": false,
  "vm.lease": true,
  "vm.missing": true,
  "job.failed": true,
  "vm.leftover": true,
  "agent.offline": true,
  "agent.duplicate": true,
};

export interface Preference {
  kind: NotificationKind;
  channel: PersonalChannel;
  enabled: boolean;
}

/** Every kind's e-mail choice of a person: their row, else the default. */
export async function readPreferences(
  db: SqlDatabase,
  person: { tenantId: string; userId: string },
): Promise<Preference[]> {
  const { results } = await db
    .prepare(
      "SELECT kind, enabled FROM notification_preferences WHERE tenant_id = ? AND user_id = ? AND channel = 'email'",
    )
    .bind(person.tenantId, person.userId)
    .all<{ kind: string; enabled: number }>();
  const chosen = new Map(results.map((r) => [r.kind, r.enabled === 1]));
  return NotificationKind.options.map((kind) => ({
    kind,
    channel: "email",
    enabled: chosen.get(kind) ?? EMAIL_BY_DEFAULT[kind],
  }));
}

/** Of these people, the ones who want this kind by e-mail. */
export async function wantEmail(
  db: SqlDatabase,
  input: { tenantId: string; kind: NotificationKind; userIds: readonly string[] },
): Promise<Set<string>> {
  if (input.userIds.length === 0) return new Set();
  const { results } = await db
    .prepare(
      `SELECT user_id, enabled FROM notification_preferences WHERE tenant_id = ? AND kind = ? AND channel = 'email'
       AND user_id IN (SELECT value FROM json_each(?))`,
    )
    .bind(input.tenantId, input.kind, JSON.stringify(input.userIds))
    .all<{ user_id: string; enabled: number }>();
  const chosen = new Map(results.map((r) => [r.user_id, r.enabled === 1]));
  return new Set(input.userIds.filter((id) => chosen.get(id) ?? EMAIL_BY_DEFAULT[input.kind]));
}

export async function setPreference(
  db: SqlDatabase,
  input: { tenantId: string; userId: string } & Preference,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO notification_preferences (tenant_id, user_id, kind, channel, enabled) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, user_id, kind, channel) DO UPDATE SET enabled = excluded.enabled`,
    )
    .bind(input.tenantId, input.userId, input.kind, input.channel, input.enabled ? 1 : 0)
    .run();
}
