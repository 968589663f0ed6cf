import { siteHub } from "./handoff.ts";
import type { HubAgentStatus } from "./hub-status.ts";

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
}

interface AgentRow {
  id: string;
  name: string;
  site_id: string;
  site_name: string | null;
  version: string | null;
  connected: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

/** The tenant's agents: D1 for who exists, each site's hub (one RPC per site) for what is live. */
export async function listAgents(env: Env, tenantId: string): Promise<AgentListItem[]> {
  const { results } = await env.DB.prepare(
    `SELECT a.id, a.name, a.site_id, s.name AS site_name, a.version, a.connected, a.last_seen_at, a.revoked_at
     FROM agents a LEFT JOIN sites s ON s.id = a.site_id WHERE a.tenant_id = ? ORDER BY a.name`,
  )
    .bind(tenantId)
    .all<AgentRow>();
  const siteIds = [...new Set(results.map((r) => r.site_id))];
  const live = new Map<string, HubAgentStatus>();
  await Promise.all(
    siteIds.map(async (siteId) => {
      const status = await siteHub(env, siteId).status();
      for (const a of status.agents) live.set(a.agentId, a);
    }),
  );
  return results.map((r) => {
    const hub = live.get(r.id);
    const lastSeen = Math.max(r.last_seen_at ?? 0, hub?.lastSeenAt ? Date.parse(hub.lastSeenAt) : 0);
    return {
      agentId: r.id,
      name: r.name,
      siteId: r.site_id,
      siteName: r.site_name ?? r.site_id,
      version: hub?.version ?? r.version,
      connected: r.revoked_at === null && (hub?.connected ?? false),
      lastSeenAt: lastSeen > 0 ? new Date(lastSeen).toISOString() : null,
      jobsInFlight: hub?.jobsInFlight ?? 0,
      revoked: r.revoked_at !== null,
    };
  });
}
