import type { SqlDatabase } from "../event-store/stored-event.ts";
import { insertEnrolledAgent } from "./agent-registry.ts";
import { ENROLLMENT_TOKEN_PREFIX, issueSecret, readSecret } from "./credentials.ts";

// The D1 `agent_enrollment_tokens` table (migrations 0004, 0011): one-time tokens an admin makes for a
// site. Only this module reads or writes it. The writes are returned as statements, so the command that
// records the matching audit event (commands/) commits both in one batch.

/** Registration tokens live one hour, like GitHub's runner registration tokens. */
export const ENROLLMENT_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface EnrollmentToken {
  token: string;
  tokenId: string;
  siteId: string;
  expiresAt: string;
}

/** A fresh token for a site (its value returned once, stored only as a hash) and the insert that keeps it. */
export async function newEnrollmentToken(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; createdBy: string; now: number },
): Promise<{ token: EnrollmentToken; insert: D1PreparedStatement }> {
  const issued = await issueSecret(ENROLLMENT_TOKEN_PREFIX);
  const expiresAt = input.now + ENROLLMENT_TOKEN_TTL_MS;
  const insert = db
    .prepare(
      `INSERT INTO agent_enrollment_tokens (id, tenant_id, site_id, token_hash, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(issued.id, input.tenantId, input.siteId, issued.hash, input.createdBy, input.now, expiresAt);
  const token = {
    token: issued.value,
    tokenId: issued.id,
    siteId: input.siteId,
    expiresAt: new Date(expiresAt).toISOString(),
  };
  return { token, insert };
}

/** A token that may still enroll an agent: not used, not revoked, not expired. */
export interface RedeemableToken {
  tokenId: string;
  tokenHash: string;
  tenantId: string;
  siteId: string;
  createdBy: string;
}

/** The token a presented value names, if it may still be redeemed; null for any kind of wrong value. */
export async function findRedeemableToken(
  db: SqlDatabase,
  input: { token: string; now: number },
): Promise<RedeemableToken | null> {
  const presented = await readSecret(ENROLLMENT_TOKEN_PREFIX, input.token);
  if (!presented) return null;
  const row = await db
    .prepare(
      `SELECT tenant_id, site_id, created_by FROM agent_enrollment_tokens
       WHERE id = ?1 AND token_hash = ?2 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ?3`,
    )
    .bind(presented.id, presented.hash, input.now)
    .first<{ tenant_id: string; site_id: string; created_by: string }>();
  if (!row) return null;
  return {
    tokenId: presented.id,
    tokenHash: presented.hash,
    tenantId: row.tenant_id,
    siteId: row.site_id,
    createdBy: row.created_by,
  };
}

/**
 * Consumes the token for a new agent and inserts the agent, as one batch's statements. When the token
 * was used, revoked or expired in the meantime the consume changes nothing and the insert violates NOT
 * NULL, which aborts the whole batch: a replay or a concurrent second use creates nothing.
 */
export function redeemTokenStatements(
  db: SqlDatabase,
  input: { token: RedeemableToken; agentId: string; name: string; credentialHash: string; now: number },
): D1PreparedStatement[] {
  const { token, agentId, now } = input;
  return [
    db
      .prepare(
        `UPDATE agent_enrollment_tokens SET consumed_at = ?1, agent_id = ?2
         WHERE id = ?3 AND token_hash = ?4 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ?1`,
      )
      .bind(now, agentId, token.tokenId, token.tokenHash),
    insertEnrolledAgent(db, {
      agentId,
      name: input.name,
      credentialHash: input.credentialHash,
      tokenId: token.tokenId,
      now,
    }),
  ];
}

/** An unused token as the agents page lists it (never its value, which is not stored). */
export interface UnusedEnrollmentToken {
  tokenId: string;
  siteId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** The tenant's tokens that could still enroll an agent, newest first. */
export async function listUnusedTokens(
  db: SqlDatabase,
  input: { tenantId: string; now: number; tokenId?: string },
): Promise<UnusedEnrollmentToken[]> {
  const { results } = await db
    .prepare(
      `SELECT id, site_id, created_by, created_at, expires_at FROM agent_enrollment_tokens
       WHERE tenant_id = ?1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > ?2
         AND (?3 IS NULL OR id = ?3)
       ORDER BY created_at DESC LIMIT 200`,
    )
    .bind(input.tenantId, input.now, input.tokenId ?? null)
    .all<{ id: string; site_id: string; created_by: string; created_at: number; expires_at: number }>();
  return results.map((r) => ({
    tokenId: r.id,
    siteId: r.site_id,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  }));
}

/** Withdraws an unused token; a token used, revoked or expired meanwhile is left as it is. */
export const revokeTokenStatement = (
  db: SqlDatabase,
  input: { tenantId: string; tokenId: string; revokedBy: string; now: number },
): D1PreparedStatement =>
  db
    .prepare(
      `UPDATE agent_enrollment_tokens SET revoked_at = ?3, revoked_by = ?4
       WHERE id = ?1 AND tenant_id = ?2 AND consumed_at IS NULL AND revoked_at IS NULL`,
    )
    .bind(input.tokenId, input.tenantId, input.now, input.revokedBy);
