import { err, ok, type Result } from "@gantry/shared/result";
import type { CommandDeps } from "../commands/command-deps.ts";
import { recordTenancyEvent, type TenancyActor } from "../commands/record-tenancy-event.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { siteHub } from "../stubs.ts";
import { markRevoked, placeOfAgent } from "../tenancy/agent-registry.ts";

export type RevokeError = { code: "AGENT_NOT_FOUND"; agentId: string };

/**
 * Revokes an agent of the caller's tenant: its credential stops working at once (D1, with `AgentRevoked`
 * in the same batch), its sockets close and its leased jobs go back to the queue under a new epoch (the
 * site's hub). Another tenant's agent is answered like a missing one; revoking twice records it once.
 */
export async function revokeAgent(
  env: Env,
  deps: CommandDeps,
  input: { tenantId: string; agentId: string; actor: TenancyActor },
): Promise<Result<{ requeued: number }, RevokeError>> {
  const { tenantId, agentId, actor } = input;
  const place = await placeOfAgent(env.DB, { agentId, tenantId });
  if (!place) return err({ code: "AGENT_NOT_FOUND", agentId });
  if (!place.revoked) {
    const now = deps.clock().getTime();
    const recorded = await recordTenancyEvent(deps, {
      tenantId: place.tenantId,
      streamId: streamIds.agent(agentId),
      event: { type: "AgentRevoked", data: { agentId, siteId: place.siteId } },
      actor,
      sideEffects: [markRevoked(deps.db, { agentId, revokedBy: actor.id, now })],
    });
    // the stream moved three times under us: nothing was written, so nothing was revoked yet
    if (!recorded.ok) throw new Error(`could not revoke agent ${agentId}: ${recorded.error.code}`);
  }
  return ok(await siteHub(env, place.siteId).revokeAgent(agentId));
}
