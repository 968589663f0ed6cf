import type { EdgeToAgent, FrameBody } from "@gantry/shared/protocol/agent";
import { PROTOCOL_VERSION } from "@gantry/shared/protocol/version";
import { z } from "zod";

/** Per-socket facts, kept in the socket's attachment so they survive hibernation. */
export const SocketFacts = z.object({
  agentId: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  name: z.string(),
  connectionId: z.string(),
  connectedAt: z.number(),
  /** Set by a successful hello; frames other than hello are refused until then. */
  protocol: z.number().nullable(),
  /** The calls the agent said it answers; null when it named none (an agent older than the field). */
  calls: z.array(z.string()).nullable().default(null),
  /** The job kinds the agent said it runs; null when it named none (older than protocol 3: provisioning only). */
  jobs: z.array(z.string()).nullable().default(null),
  /** where the connection came from (sockets accepted before the field existed say "unknown") */
  remoteAddress: z.string().default("unknown"),
});
export type SocketFacts = z.infer<typeof SocketFacts>;

export const agentTag = (agentId: string) => `agent:${agentId}`;

// Every frame and every dispatch reads the facts of the site's sockets; deserializing and parsing the
// attachment each time showed in profiles. The attachment stays the truth (it survives hibernation, when
// the socket objects, and so this cache, are new); all writes go through attachFacts.
const factsCache = new WeakMap<WebSocket, SocketFacts>();

export function attachFacts(ws: WebSocket, facts: SocketFacts): void {
  ws.serializeAttachment(facts);
  factsCache.set(ws, facts);
}

export function factsOf(ws: WebSocket): SocketFacts | null {
  const cached = factsCache.get(ws);
  if (cached) return cached;
  const parsed = SocketFacts.safeParse(ws.deserializeAttachment());
  if (!parsed.success) return null;
  factsCache.set(ws, parsed.data);
  return parsed.data;
}

const isOpen = (ws: WebSocket) => ws.readyState === WebSocket.OPEN;

/** Open sockets that completed the handshake, optionally of one agent. */
export function welcomedSockets(
  ctx: DurableObjectState,
  agentId?: string,
): { ws: WebSocket; facts: SocketFacts }[] {
  const sockets = agentId ? ctx.getWebSockets(agentTag(agentId)) : ctx.getWebSockets();
  const out: { ws: WebSocket; facts: SocketFacts }[] = [];
  for (const ws of sockets) {
    const facts = factsOf(ws);
    if (facts && facts.protocol !== null && isOpen(ws)) out.push({ ws, facts });
  }
  return out;
}

/** Sends one frame and returns its id; a socket closing under us is worth no more than `null`. */
export function sendFrame(
  ws: WebSocket,
  body: FrameBody<EdgeToAgent>,
  protocol = PROTOCOL_VERSION,
): string | null {
  if (!isOpen(ws)) return null;
  const id = crypto.randomUUID();
  try {
    ws.send(JSON.stringify({ v: protocol, id, ...body }));
    return id;
  } catch {
    return null;
  }
}

export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}
