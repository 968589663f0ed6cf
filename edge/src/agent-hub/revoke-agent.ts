import { err, ok, type Result } from "@gantry/shared/result";
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
 * Revokes an agent of the caller's tenant: its credential stops working at once (D1), then its site's
 * hub closes its sockets and puts its leased jobs back in the queue under a new epoch, and confirms.
 * If the hub cannot be reached the revocation stays pending (D1 already refuses the credential) and
 * is finished by `completeRevocations`. Another tenant's agent is answered like a missing one.
 */
export async function revokeAgent(
  env: Env,
  input: { tenantId: string; agentId: string; revokedBy: string; now: number },
  hubs: RevokingHub = hubsOf(env),
): Promise<Result<Revoked, RevokeError>> {
  const place = await placeOfAgent(env.DB, input);
  if (!place) return err({ code: "AGENT_NOT_FOUND", agentId: input.agentId });
  await markRevoked(env.DB, input);
  const answer = await revokeAtHub(env, hubs, { ...input, siteId: place.siteId });
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
