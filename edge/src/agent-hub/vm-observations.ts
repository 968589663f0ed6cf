import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import { logEvent } from "../log.ts";
import { type SocketFacts, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";

/**
 * An agent's drift report: recorded for the hub's own tenant and site only (the agent is authenticated
 * as one of them; a VM of another site its vCenter also holds is ignored), then acked. A failure that may
 * pass asks the agent to send the batch again.
 */
export async function recordObservations(
  hub: HubContext,
  input: { ws: WebSocket; facts: SocketFacts; frame: Extract<AgentToEdge, { type: "vm.observed" }> },
): Promise<void> {
  const { ws, facts, frame } = input;
  const recorded = await hub.sink.recordObservations({
    tenantId: facts.tenantId,
    siteId: facts.siteId,
    agentId: facts.agentId,
    frameId: frame.id,
    observations: frame.observations,
  });
  if (!recorded.ok) {
    logEvent("warn", "drift report not recorded; agent will resend", {
      agentId: facts.agentId,
      error: recorded.error.message,
    });
    sendFrame(ws, {
      type: "error",
      code: "TRY_AGAIN",
      message: "could not record; resend later",
      ref: frame.id,
    });
    return;
  }
  bumpCounter(hub.sql, "vm_observations", frame.observations.length);
  if (recorded.value.recorded > 0) bumpCounter(hub.sql, "vm_drift_recorded", recorded.value.recorded);
  sendFrame(ws, { type: "ack", ref: frame.id });
}
