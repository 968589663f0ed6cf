import { err, ok, type Result } from "@gantry/shared/result";
import type { CommandDeps } from "../commands/command-deps.ts";
import { recordTenancyEvent, type TenancyActor } from "../commands/record-tenancy-event.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { siteHub } from "../stubs.ts";
import {
  confirmRevoked,
  markRevoked,
  placeOfAgent,
  unconfirmedRevocations,
} from "../tenancy/agent-registry.ts";

export type RevokeError = { code: "AGENT_NOT_FOUND"; agentId: string };

/** The part of a site's hub a revocation needs; tests hand in one that fails. */
export type RevokingHub = (siteId: string) => { revokeAgent(agentId: string): Promise<{ requeued: number }> };

const hubsOf =
  (env: Env): RevokingHub =>
  (siteId) =>
    siteHub(env, siteId);

/** `confirmed` false: D1 refuses the agent already, its hub did not answer; the revocation is retried. */
export interface Revoked {
  requeued: number;
  confirmed: boolean;
}

/** Tells the agent's hub and records its confirmation; never throws (false: try again later). */
async function revokeAtHub(
  env: Env,
  hubs: RevokingHub,
  input: { agentId: string; siteId: string; now: number },
): Promise<{ requeued: number } | null> {
  try {
    const answer = await hubs(input.siteId).revokeAgent(input.agentId);
    await confirmRevoked(env.DB, { agentId: input.agentId, now: input.now });
    return answer;
  } catch (error) {
    logEvent("warn", "revocation not confirmed by the hub yet; will retry", {
      agentId: input.agentId,
      error: String(error),
    });
    return null;
  }
}

/**
 * Revokes an agent of the caller's tenant: its credential stops working at once (D1, with `AgentRevoked`
 * in the same batch), then its site's hub closes its sockets, puts its leased jobs back in the queue
 * under a new epoch, and confirms. If the hub cannot be reached the revocation stays pending (D1 already
 * refuses the credential) and is finished by `completeRevocations`. Another tenant's agent is answered
 * like a missing one; revoking twice records it once (and asks the hub again if it never confirmed).
 */
export async function revokeAgent(
  env: Env,
  deps: CommandDeps,
  input: { tenantId: string; agentId: string; actor: TenancyActor },
  hubs: RevokingHub = hubsOf(env),
): Promise<Result<Revoked, RevokeError>> {
  const { tenantId, agentId, actor } = input;
  const place = await placeOfAgent(env.DB, { agentId, tenantId });
  if (!place) return err({ code: "AGENT_NOT_FOUND", agentId });
  const now = deps.clock().getTime();
  if (!place.revoked) {
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
  const answer = await revokeAtHub(env, hubs, { agentId, siteId: place.siteId, now });
  return ok({ requeued: answer?.requeued ?? 0, confirmed: answer !== null });
}

const RETRY_BATCH = 20;

/**
 * Finishes revocations whose hub never confirmed (its call threw): run by every agents list of the
 * tenant and by the minute sweep for all tenants, until each hub has answered.
 */
export async function completeRevocations(
  env: Env,
  input: { tenantId?: string; now: number },
  hubs: RevokingHub = hubsOf(env),
): Promise<number> {
  const pending = await unconfirmedRevocations(env.DB, { ...input, limit: RETRY_BATCH });
  let confirmed = 0;
  for (const agent of pending) {
    if (await revokeAtHub(env, hubs, { ...agent, now: input.now })) confirmed += 1;
  }
  return confirmed;
}
