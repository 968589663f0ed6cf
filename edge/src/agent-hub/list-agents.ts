import { isNewerVersion } from "@gantry/shared/releases/version-order";
import { currentRelease } from "../releases/release-bucket.ts";
import { siteHub } from "../stubs.ts";
import { listAgentRecords } from "../tenancy/agent-registry.ts";
import type { HubAgentStatus } from "./hub-status.ts";
import { completeRevocations } from "./revoke-agent.ts";

export interface AgentListItem {
  agentId: string;
  name: string;
  siteId: string;
  siteName: string;
  version: string | null;
  connected: boolean;
  lastSeenAt: string | null;
  jobsInFlight: number;
  revoked: boolean;
  /** the edge's current release when it is newer than this agent's version, else null */
  upgradeTo: string | null;
  /** the last time two live connections of this agent's credential were seen, if any */
  duplicateConnection: HubAgentStatus["duplicateConnection"];
  /** revoked, but its hub has not confirmed closing it yet: the page keeps offering Revoke */
  revocationPending: boolean;
}

/**
 * The tenant's agents: D1 for who exists, each site's hub (one RPC per site) for what is live, so
 * "connected" is what the hub holds right now. A revocation its hub never confirmed is retried first.
 */
export async function listAgents(env: Env, tenantId: string, now = Date.now()): Promise<AgentListItem[]> {
  const [before, release] = await Promise.all([
    listAgentRecords(env.DB, tenantId),
    currentRelease(env.AGENT_RELEASES),
  ]);
  const records = before.some((r) => r.revocationPending)
    ? (await completeRevocations(env, { tenantId, now })) > 0
      ? await listAgentRecords(env.DB, tenantId)
      : before
    : before;
  const siteIds = [...new Set(records.map((r) => r.siteId))];
  const live = new Map<string, HubAgentStatus>();
  await Promise.all(
    siteIds.map(async (siteId) => {
      const status = await siteHub(env, siteId).status();
      for (const a of status.agents) live.set(a.agentId, a);
    }),
  );
  return records.map((r) => {
    const hub = live.get(r.agentId);
    const lastSeen = Math.max(r.lastSeenAt ?? 0, hub?.lastSeenAt ? Date.parse(hub.lastSeenAt) : 0);
    const version = hub?.version ?? r.version;
    return {
      agentId: r.agentId,
      name: r.name,
      siteId: r.siteId,
      siteName: r.siteName ?? r.siteId,
      version,
      connected: !r.revoked && (hub?.connected ?? false),
      lastSeenAt: lastSeen > 0 ? new Date(lastSeen).toISOString() : null,
      jobsInFlight: hub?.jobsInFlight ?? 0,
      revoked: r.revoked,
      upgradeTo: release && version && isNewerVersion(release.version, version) ? release.version : null,
      duplicateConnection: hub?.duplicateConnection ?? null,
      revocationPending: r.revocationPending,
    };
  });
}
