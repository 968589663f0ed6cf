import { err, ok, type Result } from "@gantry/shared/result";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { findCredential } from "./agent-registry.ts";
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
  db: SqlDatabase,
  authorization: string | undefined,
): Promise<Result<AgentIdentity, AgentAuthError>> {
  const bearer = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  const presented = bearer ? await readSecret(AGENT_CREDENTIAL_PREFIX, bearer) : null;
  if (!presented) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  const stored = await findCredential(db, presented.id);
  // compare even when the row is missing so timing does not reveal which agent ids exist
  const matches = hashesEqual(stored?.credentialHash ?? "0".repeat(64), presented.hash);
  if (!stored || !matches || stored.revoked) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  return ok({ agentId: presented.id, tenantId: stored.tenantId, siteId: stored.siteId, name: stored.name });
}
