import { err, ok, type Result } from "@gantry/shared/result";
import { siteHub } from "./handoff.ts";

export type RevokeError = { code: "AGENT_NOT_FOUND"; agentId: string };

/**
 * Revokes an agent of the caller's tenant: its credential stops working at once (D1), its sockets
 * close and its leased jobs go back to the queue under a new epoch (the site's hub).
 */
export async function revokeAgent(
  env: Env,
  input: { tenantId: string; agentId: string; revokedBy: string; now: number },
): Promise<Result<{ requeued: number }, RevokeError>> {
  const row = await env.DB.prepare("SELECT site_id FROM agents WHERE id = ? AND tenant_id = ?")
    .bind(input.agentId, input.tenantId)
    .first<{ site_id: string }>();
  if (!row) return err({ code: "AGENT_NOT_FOUND", agentId: input.agentId });
  await env.DB.prepare(
    "UPDATE agents SET revoked_at = ?2, revoked_by = ?3, connected = 0 WHERE id = ?1 AND revoked_at IS NULL",
  )
    .bind(input.agentId, input.now, input.revokedBy)
    .run();
  const hub = siteHub(env, row.site_id);
  return ok(await hub.revokeAgent(input.agentId));
}
