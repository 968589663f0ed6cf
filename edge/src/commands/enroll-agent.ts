import { err, ok, type Result } from "@gantry/shared/result";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { AGENT_CREDENTIAL_PREFIX, issueSecret } from "../tenancy/credentials.ts";
import { findRedeemableToken, redeemTokenStatements } from "../tenancy/enrollment.ts";
import { getSiteState } from "../tenancy/sites.ts";
import type { CommandDeps } from "./command-deps.ts";
import { recordTenancyEvent } from "./record-tenancy-event.ts";

export interface EnrolledAgent {
  agentId: string;
  tenantId: string;
  siteId: string;
  name: string;
  /** The agent's bearer credential; shown once, stored by the agent with mode 0600. */
  credential: string;
}

/**
 * One uniform refusal, so a caller cannot tell a wrong token from a used, withdrawn or expired one; a
 * genuine token whose site was archived since says so (its holder learns only about their own token).
 */
export type EnrollmentError = { code: "ENROLLMENT_TOKEN_INVALID" } | { code: "SITE_ARCHIVED" };

/**
 * Exchanges a registration token for a per-agent credential: the token is consumed, the agent row
 * inserted and `AgentEnrolled` recorded in one D1 batch, which a replay or a concurrent second use of
 * the token aborts as a whole (see redeemTokenStatements), so it creates nothing and records nothing.
 */
export async function enrollAgent(
  deps: CommandDeps,
  input: { token: string; name: string },
): Promise<Result<EnrolledAgent, EnrollmentError>> {
  const now = deps.clock().getTime();
  const token = await findRedeemableToken(deps.db, { token: input.token, now });
  if (!token) return err({ code: "ENROLLMENT_TOKEN_INVALID" });
  // an archived site takes no new agent: its projects are archived or moved, nothing would run there
  const site = await getSiteState(deps.db, { tenantId: token.tenantId, siteId: token.siteId });
  if (site?.archivedAt) return err({ code: "SITE_ARCHIVED" });
  const credential = await issueSecret(AGENT_CREDENTIAL_PREFIX);
  const agentId = credential.id;
  const { tenantId, siteId } = token;
  try {
    const recorded = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.agent(agentId),
      event: { type: "AgentEnrolled", data: { agentId, siteId, name: input.name, tokenId: token.tokenId } },
      // the agent acts, on the word of the admin who made the token (named in the event)
      actor: { kind: "agent", id: agentId, name: input.name },
      sideEffects: redeemTokenStatements(deps.db, {
        token,
        agentId,
        name: input.name,
        credentialHash: credential.hash,
        now,
      }),
    });
    if (!recorded.ok) return err({ code: "ENROLLMENT_TOKEN_INVALID" });
  } catch (error) {
    // the token was used or withdrawn between the read and the batch: the guard aborted it
    if (error instanceof EventStoreUnavailableError && !error.retryable)
      return err({ code: "ENROLLMENT_TOKEN_INVALID" });
    throw error;
  }
  return ok({ agentId, tenantId, siteId, name: input.name, credential: credential.value });
}
