import type { SqlDatabase } from "../event-store/stored-event.ts";

// The D1 `agents` table (migrations 0004, 0011): every enrolled agent of a tenant site, the hash of its
// credential (and of the next one while it rotates), whether it is revoked and its presence. Only this
// module reads or writes it.

/** An enrolled agent as the tenant's admins see it, presence as D1 last heard it. */
export interface AgentRecord {
  agentId: string;
  name: string;
  siteId: string;
  /** null when the site is gone (never written, but never trusted) */
  siteName: string | null;
  version: string | null;
  connected: boolean;
  /** ms since epoch; null before the first connection */
  lastSeenAt: number | null;
  revoked: boolean;
  /** revoked in D1, but its site's hub has not confirmed closing it yet (the revocation is retried) */
  revocationPending: boolean;
}

/** What authenticating a presented credential needs: whose it is, and whether it still counts. */
export interface AgentCredential {
  tenantId: string;
  siteId: string;
  name: string;
  credentialHash: string;
  /** the rotated credential's hash, until the agent first connects with it */
  nextCredentialHash: string | null;
  revoked: boolean;
}

/**
 * The insert of an enrolled agent, for the batch that consumes its enrollment token (enrollment.ts).
 * Tenant and site come from the token this agent consumed; when it did not (the token was used or
 * withdrawn meanwhile) they are NULL, and the NOT NULL constraint aborts the whole batch.
 */
export const insertEnrolledAgent = (
  db: SqlDatabase,
  input: { agentId: string; name: string; credentialHash: string; tokenId: string; now: number },
) =>
  db
    .prepare(
      `INSERT INTO agents (id, tenant_id, site_id, name, credential_hash, enrolled_with, created_at)
       VALUES (?1,
         (SELECT tenant_id FROM agent_enrollment_tokens WHERE id = ?5 AND agent_id = ?1),
         (SELECT site_id FROM agent_enrollment_tokens WHERE id = ?5 AND agent_id = ?1),
         ?2, ?3, ?5, ?4)`,
    )
    .bind(input.agentId, input.name, input.credentialHash, input.now, input.tokenId);

export async function findCredential(db: SqlDatabase, agentId: string): Promise<AgentCredential | null> {
  const row = await db
    .prepare(
      "SELECT tenant_id, site_id, name, credential_hash, next_credential_hash, revoked_at FROM agents WHERE id = ?",
    )
    .bind(agentId)
    .first<{
      tenant_id: string;
      site_id: string;
      name: string;
      credential_hash: string;
      next_credential_hash: string | null;
      revoked_at: number | null;
    }>();
  if (!row) return null;
  return {
    tenantId: row.tenant_id,
    siteId: row.site_id,
    name: row.name,
    credentialHash: row.credential_hash,
    nextCredentialHash: row.next_credential_hash,
    revoked: row.revoked_at !== null,
  };
}

/**
 * Stores the hash of an agent's next credential (`gantry-agent rotate`); the current one keeps working
 * until the agent connects with the new one. A second rotation before that replaces the pending one.
 */
export async function setNextCredential(
  db: SqlDatabase,
  input: { agentId: string; credentialHash: string },
): Promise<void> {
  await db
    .prepare("UPDATE agents SET next_credential_hash = ?2 WHERE id = ?1 AND revoked_at IS NULL")
    .bind(input.agentId, input.credentialHash)
    .run();
}

/** The rotated credential replaces the old one, which stops working (for the batch of its audit event). */
export const promoteNextCredential = (db: SqlDatabase, input: { agentId: string; credentialHash: string }) =>
  db
    .prepare(
      `UPDATE agents SET credential_hash = next_credential_hash, next_credential_hash = NULL
       WHERE id = ?1 AND next_credential_hash = ?2 AND revoked_at IS NULL`,
    )
    .bind(input.agentId, input.credentialHash);

/**
 * Where an agent belongs. With a tenant, an agent of another tenant reads like a missing one; without
 * one (the local stack's dev routes only), any agent is found.
 */
export async function placeOfAgent(
  db: SqlDatabase,
  input: { agentId: string; tenantId?: string },
): Promise<{ tenantId: string; siteId: string; name: string; revoked: boolean } | null> {
  const row = await db
    .prepare(
      "SELECT tenant_id, site_id, name, revoked_at FROM agents WHERE id = ?1 AND (?2 IS NULL OR tenant_id = ?2)",
    )
    .bind(input.agentId, input.tenantId ?? null)
    .first<{ tenant_id: string; site_id: string; name: string; revoked_at: number | null }>();
  return row
    ? { tenantId: row.tenant_id, siteId: row.site_id, name: row.name, revoked: row.revoked_at !== null }
    : null;
}

/** The tenant's agents by name, with their site's name. */
export async function listAgentRecords(db: SqlDatabase, tenantId: string): Promise<AgentRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT a.id, a.name, a.site_id, s.name AS site_name, a.version, a.connected, a.last_seen_at, a.revoked_at,
         a.revoke_confirmed_at
       FROM agents a LEFT JOIN sites s ON s.id = a.site_id WHERE a.tenant_id = ? ORDER BY a.name`,
    )
    .bind(tenantId)
    .all<{
      id: string;
      name: string;
      site_id: string;
      site_name: string | null;
      version: string | null;
      connected: number;
      last_seen_at: number | null;
      revoked_at: number | null;
      revoke_confirmed_at: number | null;
    }>();
  return results.map((r) => ({
    agentId: r.id,
    name: r.name,
    siteId: r.site_id,
    siteName: r.site_name,
    version: r.version,
    connected: r.connected === 1,
    lastSeenAt: r.last_seen_at,
    revoked: r.revoked_at !== null,
    revocationPending: r.revoked_at !== null && r.revoke_confirmed_at === null,
  }));
}

/**
 * Refuses the agent's credential from now on (for the batch of its audit event); a second revoke keeps
 * the first one's time and author.
 */
export const markRevoked = (db: SqlDatabase, input: { agentId: string; revokedBy: string; now: number }) =>
  db
    .prepare(
      "UPDATE agents SET revoked_at = ?2, revoked_by = ?3, connected = 0, next_credential_hash = NULL WHERE id = ?1 AND revoked_at IS NULL",
    )
    .bind(input.agentId, input.now, input.revokedBy);

/** The site's hub closed the revoked agent's sockets and refuses it from now on. */
export async function confirmRevoked(
  db: SqlDatabase,
  input: { agentId: string; now: number },
): Promise<void> {
  await db
    .prepare(
      "UPDATE agents SET revoke_confirmed_at = ?2 WHERE id = ?1 AND revoked_at IS NOT NULL AND revoke_confirmed_at IS NULL",
    )
    .bind(input.agentId, input.now)
    .run();
}

/** Revoked agents whose hub has not confirmed yet, of one tenant or (the sweep) of all, oldest first. */
export async function unconfirmedRevocations(
  db: SqlDatabase,
  input: { tenantId?: string; limit: number },
): Promise<{ agentId: string; tenantId: string; siteId: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id, site_id FROM agents
       WHERE revoked_at IS NOT NULL AND revoke_confirmed_at IS NULL AND (?1 IS NULL OR tenant_id = ?1)
       ORDER BY revoked_at LIMIT ?2`,
    )
    .bind(input.tenantId ?? null, input.limit)
    .all<{ id: string; tenant_id: string; site_id: string }>();
  return results.map((r) => ({ agentId: r.id, tenantId: r.tenant_id, siteId: r.site_id }));
}

// Presence is written by the site's hub on connect and disconnect only (never per frame). The connection
// id makes a late close of an old socket harmless to a newer connection.

/** Called once the agent said hello, so a socket that never did (doctor's probe) changes nothing. */
export async function markConnected(
  db: SqlDatabase,
  input: { agentId: string; connectionId: string; now: number; version: string },
): Promise<void> {
  await db
    .prepare(
      "UPDATE agents SET connected = 1, connection_id = ?2, last_seen_at = ?3, version = ?4 WHERE id = ?1",
    )
    .bind(input.agentId, input.connectionId, input.now, input.version)
    .run();
}

export async function markDisconnected(
  db: SqlDatabase,
  input: { agentId: string; connectionId: string; now: number },
): Promise<void> {
  await db
    .prepare("UPDATE agents SET connected = 0, last_seen_at = ?3 WHERE id = ?1 AND connection_id = ?2")
    .bind(input.agentId, input.connectionId, input.now)
    .run();
}

/**
 * A connected agent's presence is refreshed this often (one D1 write per agent, not per frame), so a
 * row left "connected" by a hub that died without a close event goes stale instead of lying forever.
 */
export const PRESENCE_REFRESH_MS = 5 * 60_000;
const PRESENCE_STALE_MS = 2 * PRESENCE_REFRESH_MS + 60_000;

/**
 * Refreshes a connected agent's presence; false when its record says it must not be connected any more
 * (revoked meanwhile), so a hub that was never told of a revocation still closes it within minutes.
 */
export async function refreshPresence(
  db: SqlDatabase,
  input: { agentId: string; connectionId: string; now: number },
): Promise<{ revoked: boolean }> {
  const row = await db
    .prepare(
      `UPDATE agents SET last_seen_at = CASE WHEN connected = 1 AND revoked_at IS NULL THEN ?3 ELSE last_seen_at END
       WHERE id = ?1 AND connection_id = ?2 RETURNING revoked_at`,
    )
    .bind(input.agentId, input.connectionId, input.now)
    .first<{ revoked_at: number | null }>();
  return { revoked: row?.revoked_at != null };
}

/** Agents with an open socket to their hub (and a fresh presence), for /healthz. */
export async function countConnectedAgents(db: SqlDatabase, now = Date.now()): Promise<number> {
  const row = await db
    .prepare(
      "SELECT count(*) AS n FROM agents WHERE connected = 1 AND revoked_at IS NULL AND last_seen_at > ?",
    )
    .bind(now - PRESENCE_STALE_MS)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** How many agents of each of the tenant's sites are not revoked: a site with any cannot be archived. */
export async function liveAgentsBySite(db: SqlDatabase, tenantId: string): Promise<Map<string, number>> {
  const { results } = await db
    .prepare(
      "SELECT site_id, count(*) AS n FROM agents WHERE tenant_id = ? AND revoked_at IS NULL GROUP BY site_id",
    )
    .bind(tenantId)
    .all<{ site_id: string; n: number }>();
  return new Map(results.map((r) => [r.site_id, r.n]));
}

export interface OfflineAgent {
  id: string;
  tenantId: string;
  siteId: string;
  name: string;
  lastSeenAt: number;
}

/** How long an agent stays in the offline sweep after it went quiet: its admins are told within it. */
export const OFFLINE_SWEEP_WINDOW_MS = 24 * 3_600_000;

/**
 * Agents not revoked whose last sign of life is older than `before` but not by more than the sweep's
 * window: disconnected, or left "connected" by a hub that died (presence gone stale). For the offline
 * notification, which the minute sweep sends within the window (once: its key is the agent's last sign
 * of life); an agent gone quiet long before (left unrevoked) is not looked at again every minute. Agents
 * never connected are not offline.
 */
export async function agentsOfflineSince(
  db: SqlDatabase,
  input: { before: number; now: number; limit: number },
): Promise<OfflineAgent[]> {
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id AS tenantId, site_id AS siteId, name, last_seen_at AS lastSeenAt FROM agents
       WHERE revoked_at IS NULL AND last_seen_at IS NOT NULL AND last_seen_at < ?1 AND last_seen_at >= ?4
         AND (connected = 0 OR last_seen_at < ?2)
       ORDER BY last_seen_at DESC LIMIT ?3`,
    )
    .bind(input.before, input.now - PRESENCE_STALE_MS, input.limit, input.before - OFFLINE_SWEEP_WINDOW_MS)
    .all<OfflineAgent>();
  return results;
}
