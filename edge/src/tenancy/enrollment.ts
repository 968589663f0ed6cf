import { err, ok, type Result } from "@gantry/shared/result";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { insertEnrolledAgent, placeOfAgent } from "./agent-registry.ts";
import { AGENT_CREDENTIAL_PREFIX, ENROLLMENT_TOKEN_PREFIX, issueSecret, readSecret } from "./credentials.ts";

/** Registration tokens live one hour, like GitHub's runner registration tokens. */
export const ENROLLMENT_TOKEN_TTL_MS = 60 * 60 * 1000;

export interface EnrollmentToken {
  token: string;
  tokenId: string;
  siteId: string;
  expiresAt: string;
}

/** Creates a one-time token for a site; the value is returned once and stored only as a hash. */
export async function createEnrollmentToken(
  db: SqlDatabase,
  input: { tenantId: string; siteId: string; createdBy: string; now: number },
): Promise<EnrollmentToken> {
  const issued = await issueSecret(ENROLLMENT_TOKEN_PREFIX);
  const expiresAt = input.now + ENROLLMENT_TOKEN_TTL_MS;
  await db
    .prepare(
      `INSERT INTO agent_enrollment_tokens (id, tenant_id, site_id, token_hash, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(issued.id, input.tenantId, input.siteId, issued.hash, input.createdBy, input.now, expiresAt)
    .run();
  return {
    token: issued.value,
    tokenId: issued.id,
    siteId: input.siteId,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

export interface EnrolledAgent {
  agentId: string;
  tenantId: string;
  siteId: string;
  name: string;
  /** The agent's bearer credential; shown once, stored by the agent with mode 0600. */
  credential: string;
}

/** One uniform refusal, so a caller cannot tell a wrong token from a used or expired one. */
export type EnrollmentError = { code: "ENROLLMENT_TOKEN_INVALID" };

/**
 * Exchanges a registration token for a per-agent credential. The token is marked consumed in the
 * same D1 batch that creates the agent row, so a replay or a concurrent second use creates nothing.
 */
export async function enrollAgent(
  db: SqlDatabase,
  input: { token: string; name: string; now: number },
): Promise<Result<EnrolledAgent, EnrollmentError>> {
  const presented = await readSecret(ENROLLMENT_TOKEN_PREFIX, input.token);
  if (!presented) return err({ code: "ENROLLMENT_TOKEN_INVALID" });
  const credential = await issueSecret(AGENT_CREDENTIAL_PREFIX);
  const agentId = credential.id;
  const [, inserted] = await db.batch([
    db
      .prepare(
        `UPDATE agent_enrollment_tokens SET consumed_at = ?1, agent_id = ?2
         WHERE id = ?3 AND token_hash = ?4 AND consumed_at IS NULL AND expires_at > ?1`,
      )
      .bind(input.now, agentId, presented.id, presented.hash),
    insertEnrolledAgent(db, {
      agentId,
      name: input.name,
      credentialHash: credential.hash,
      tokenId: presented.id,
      now: input.now,
    }),
  ]);
  // the agent row exists only if the token was ours to consume
  if (inserted?.meta.changes !== 1) return err({ code: "ENROLLMENT_TOKEN_INVALID" });
  const place = await placeOfAgent(db, { agentId });
  if (!place) return err({ code: "ENROLLMENT_TOKEN_INVALID" });
  return ok({ agentId, ...place, name: input.name, credential: credential.value });
}
