import { err, ok, type Result } from "@gantry/shared/result";
import { AGENT_CREDENTIAL_PREFIX, hashesEqual, readSecret } from "./credentials.ts";

export interface AgentIdentity {
  agentId: string;
  tenantId: string;
  siteId: string;
  name: string;
}

export type AgentAuthError = { code: "AGENT_CREDENTIAL_INVALID" };

/** Checks an `Authorization: Bearer` credential against the stored hash; revoked agents are refused. */
export async function authenticateAgent(
  db: D1Database,
  authorization: string | undefined,
): Promise<Result<AgentIdentity, AgentAuthError>> {
  const bearer = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  const presented = bearer ? await readSecret(AGENT_CREDENTIAL_PREFIX, bearer) : null;
  if (!presented) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  const row = await db
    .prepare("SELECT tenant_id, site_id, name, credential_hash, revoked_at FROM agents WHERE id = ?")
    .bind(presented.id)
    .first<{
      tenant_id: string;
      site_id: string;
      name: string;
      credential_hash: string;
      revoked_at: number | null;
    }>();
  // compare even when the row is missing so timing does not reveal which agent ids exist
  const stored = row?.credential_hash ?? "0".repeat(64);
  const matches = hashesEqual(stored, presented.hash);
  if (!row || !matches || row.revoked_at !== null) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  return ok({ agentId: presented.id, tenantId: row.tenant_id, siteId: row.site_id, name: row.name });
}
