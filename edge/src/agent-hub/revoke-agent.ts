import { err, ok, type Result } from "@gantry/shared/result";
import { siteHub } from "../stubs.ts";
import { markRevoked, placeOfAgent } from "../tenancy/agent-registry.ts";

export type RevokeError = { code: "AGENT_NOT_FOUND"; agentId: string };

/**
 * Revokes an agent of the caller's tenant: its credential stops working at once (D1), its sockets
 * close and its leased jobs go back to the queue under a new epoch (the site's hub). Another tenant's
 * agent is answered like a missing one.
 */
export async function revokeAgent(
  env: Env,
  input: { tenantId: string; agentId: string; revokedBy: string; now: number },
): Promise<Result<{ requeued: number }, RevokeError>> {
  const place = await placeOfAgent(env.DB, input);
  if (!place) return err({ code: "AGENT_NOT_FOUND", agentId: input.agentId });
  await markRevoked(env.DB, input);
  return ok(await siteHub(env, place.siteId).revokeAgent(input.agentId));
}
