import { CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { recordTenancyEvent } from "../commands/record-tenancy-event.ts";
import { hubDeps } from "../deps.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { logEvent } from "../log.ts";
import { closeSocket, type SocketFacts, sendFrame, welcomedSockets } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";

/**
 * One live connection per agent credential. The policy, against a copied credential:
 *
 * - A hello while another connection of the same agent is live — welcomed and heard from (hello or
 *   renewal) within 1.5 renew intervals — is refused (close 1008, the agent retries with backoff). The
 *   live one keeps its leases: a thief's hello never requeues the real agent's jobs or receives specs.
 * - An older connection that has gone quiet (a network cut, a host that died without closing) is not
 *   live: the newer one replaces it, so a legitimate restart always gets in, at worst after 1.5 renew
 *   intervals of retries when the old socket was left half-open.
 * - When the live connection renews after a refusal, two copies were running at the same time: that is
 *   the alert (an `AgentDuplicateConnection` event in the audit log, the agents page, a warning log
 *   line), at most once per ALERT_SPACING_MS per agent with the refusals counted in between. A refusal
 *   followed by the old connection going quiet was the agent's own restart and raises nothing.
 *
 * The admin's remedy is to revoke the agent and enroll it again (or `gantry-agent rotate`, if the
 * legitimate copy is the live one).
 */
export const ALERT_SPACING_MS = 10 * 60_000;

const liveWindowMs = (hub: HubContext) => Math.floor(hub.settings.renewIntervalMs * 1.5);

/**
 * At hello: true (and the socket refused) when another connection of this agent is live; otherwise the
 * older ones are stale, earlier refusals were this agent restarting, and the caller goes on.
 */
export function refuseSecondConnection(hub: HubContext, ws: WebSocket, facts: SocketFacts): boolean {
  const now = hub.now();
  const others = welcomedSockets(hub.ctx, facts.agentId).filter((s) => s.ws !== ws);
  const lastHeard = hub.roster.lastHeard(facts.agentId);
  const live = others.length > 0 && lastHeard !== null && now - lastHeard <= liveWindowMs(hub);
  if (!live) {
    hub.roster.forgetRefusals(facts.agentId);
    return false;
  }
  bumpCounter(hub.sql, "connections_refused_duplicate");
  hub.roster.refusedConnection(facts.agentId, { at: now, from: facts.remoteAddress });
  logEvent("warn", "second connection of a live agent refused", {
    agentId: facts.agentId,
    siteId: facts.siteId,
    from: facts.remoteAddress,
  });
  sendFrame(ws, {
    type: "error",
    code: "TRY_AGAIN",
    message: "another connection of this agent is live; this one is refused",
  });
  closeSocket(ws, CLOSE_CODES.policy, "another connection of this agent is live");
  return true;
}

/** At each renewal of the live connection: refusals since the last one mean two copies ran at once. */
export async function alertOnDuplicates(hub: HubContext, facts: SocketFacts): Promise<void> {
  const pending = hub.roster.pendingRefusals(facts.agentId);
  const now = hub.now();
  if (!pending) return;
  if (pending.lastAlertAt !== null && now - pending.lastAlertAt < ALERT_SPACING_MS) return;
  hub.roster.alerted(facts.agentId, now);
  bumpCounter(hub.sql, "duplicate_connection_alerts");
  logEvent("warn", "agent credential used by two live connections", {
    agentId: facts.agentId,
    siteId: facts.siteId,
    refusedFrom: pending.refusedFrom,
    attempts: pending.count,
  });
  try {
    await recordTenancyEvent(hubDeps(hub.env), {
      tenantId: facts.tenantId,
      streamId: streamIds.agent(facts.agentId),
      event: {
        type: "AgentDuplicateConnection",
        data: {
          agentId: facts.agentId,
          siteId: facts.siteId,
          refusedFrom: pending.refusedFrom.slice(0, 64),
          refusedAt: new Date(pending.refusedAt).toISOString(),
          attempts: pending.count,
        },
      },
      actor: { kind: "system", id: "agent-hub", name: "Gantry" },
    });
  } catch (error) {
    // the page and the log line still say it; the audit entry is what is lost
    logEvent("error", "duplicate connection alert not recorded", {
      agentId: facts.agentId,
      error: String(error),
    });
  }
}
