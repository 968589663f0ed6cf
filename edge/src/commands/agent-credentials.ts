import { streamIds } from "../event-store/stored-event.ts";
import { promoteNextCredential, setNextCredential } from "../tenancy/agent-registry.ts";
import type { AgentIdentity } from "../tenancy/authenticate-agent.ts";
import { AGENT_CREDENTIAL_PREFIX, issueSecret } from "../tenancy/credentials.ts";
import type { CommandDeps } from "./command-deps.ts";
import { recordTenancyEvent } from "./record-tenancy-event.ts";

/**
 * An authenticated agent asks for a new credential (`gantry-agent rotate`). Both work until the agent
 * first connects with the new one, so an answer lost on the way locks nobody out; then the old one stops.
 */
export async function issueRotatedCredential(deps: CommandDeps, agent: AgentIdentity): Promise<string> {
  const next = await issueSecret(AGENT_CREDENTIAL_PREFIX, agent.agentId);
  await setNextCredential(deps.db, { agentId: agent.agentId, credentialHash: next.hash });
  return next.value;
}

/** The agent connected with its rotated credential: the old one stops working, and the audit log says so. */
export async function completeRotation(
  deps: CommandDeps,
  input: { agent: AgentIdentity; credentialHash: string },
): Promise<void> {
  const { agent, credentialHash } = input;
  await recordTenancyEvent(deps, {
    tenantId: agent.tenantId,
    streamId: streamIds.agent(agent.agentId),
    event: { type: "AgentCredentialRotated", data: { agentId: agent.agentId, siteId: agent.siteId } },
    actor: { kind: "agent", id: agent.agentId, name: agent.name },
    sideEffects: [promoteNextCredential(deps.db, { agentId: agent.agentId, credentialHash })],
  });
}
