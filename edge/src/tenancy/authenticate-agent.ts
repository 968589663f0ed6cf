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

export interface AuthenticatedAgent {
  identity: AgentIdentity;
  /**
   * The agent presented the credential it rotated to, for the first time: the caller promotes it (the
   * old one stops working) and records the rotation. Its hash is here for that conditional update.
   */
  rotatedTo: string | null;
}

export type AgentAuthError = { code: "AGENT_CREDENTIAL_INVALID" };

/**
 * Checks an `Authorization: Bearer` credential against the stored hash, or the hash of the credential
 * the agent is rotating to; revoked agents are refused.
 */
export async function authenticateAgent(
  db: SqlDatabase,
  authorization: string | undefined,
): Promise<Result<AuthenticatedAgent, AgentAuthError>> {
  const bearer = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  const presented = bearer ? await readSecret(AGENT_CREDENTIAL_PREFIX, bearer) : null;
  if (!presented) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  const stored = await findCredential(db, presented.id);
  // compare even when the row is missing so timing does not reveal which agent ids exist
  const current = hashesEqual(stored?.credentialHash ?? "0".repeat(64), presented.hash);
  const next = hashesEqual(stored?.nextCredentialHash ?? "0".repeat(64), presented.hash);
  if (!stored || !(current || next) || stored.revoked) return err({ code: "AGENT_CREDENTIAL_INVALID" });
  const { tenantId, siteId, name } = stored;
  return ok({
    identity: { agentId: presented.id, tenantId, siteId, name },
    rotatedTo: next && !current ? presented.hash : null,
  });
}
