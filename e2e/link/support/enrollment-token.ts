import { createHash, randomBytes, randomUUID } from "node:crypto";

/**
 * A registration token made without the web UI: the same shape the edge issues
 * (`get_<id>_<256-bit secret>`, stored as SHA-256 of the secret), plus the SQL that stores it.
 * For the local stack and process tests; run the SQL with `wrangler d1 execute DB --local`.
 */
export function newEnrollmentToken(input: {
  tenantId: string;
  siteId: string;
  now?: number;
  ttlMs?: number;
}) {
  const id = randomUUID();
  const secret = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(secret).digest("hex");
  const now = input.now ?? Date.now();
  const expiresAt = now + (input.ttlMs ?? 3_600_000);
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const sql = `INSERT INTO agent_enrollment_tokens (id, tenant_id, site_id, token_hash, created_by, created_at, expires_at) VALUES (${q(id)}, ${q(input.tenantId)}, ${q(input.siteId)}, ${q(hash)}, 'local-stack', ${now}, ${expiresAt});`;
  return { token: `get_${id}_${secret}`, sql };
}
