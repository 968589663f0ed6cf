import { type AgentCallResult, LEGACY_AGENT_CALLS } from "@gantry/shared/protocol/agent";
import { err, type Result } from "@gantry/shared/result";
import { sendFrame } from "./agent-sockets.ts";
import { agentSlots } from "./dispatch.ts";
import type { HubContext } from "./hub-context.ts";
import type { CallFailure, CallRequest } from "./pending-calls.ts";

/**
 * Asks a connected agent for live VM status or a vCenter connectivity test: the least busy of those that
 * said they answer the call (an older one would leave it to time out), waiting at most a minute.
 */
export async function callAgent(
  hub: HubContext,
  request: CallRequest,
): Promise<Result<AgentCallResult, CallFailure>> {
  const slots = agentSlots(hub);
  if (slots.length === 0) return err({ code: "NO_AGENT_CONNECTED" });
  const method = request.call.method;
  const slot = slots
    .filter((s) => (s.facts.calls ?? LEGACY_AGENT_CALLS).includes(method))
    .sort((a, b) => a.load - b.load)[0];
  if (!slot) return err({ code: "NO_AGENT_CAN_ANSWER", method });
  const timeoutMs = Math.min(request.timeoutMs ?? 15_000, 60_000);
  const id = sendFrame(
    slot.ws,
    { type: "call", call: request.call, timeoutMs },
    slot.facts.protocol ?? undefined,
  );
  if (!id) return err({ code: "AGENT_DISCONNECTED" });
  return hub.calls.wait({ id, agentId: slot.facts.agentId, timeoutMs });
}
