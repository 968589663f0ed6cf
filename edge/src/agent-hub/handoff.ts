import { z } from "zod";
import type { AgentIdentity } from "../tenancy/authenticate-agent.ts";

// The Worker authenticates the agent, then hands the upgrade to the site's hub with the identity in
// these headers. The hub trusts them because only the Worker can reach a Durable Object; the Worker
// builds a fresh request, so a client cannot smuggle them through.
const HEADERS = {
  agentId: "x-gantry-agent-id",
  tenantId: "x-gantry-tenant-id",
  siteId: "x-gantry-site-id",
  name: "x-gantry-agent-name",
  remoteAddress: "x-gantry-agent-address",
} as const;

const Handoff = z.object({
  agentId: z.string().min(1).max(100),
  tenantId: z.string().min(1).max(100),
  siteId: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  /** where the connection came from, as Cloudflare saw it (named in a duplicate-connection alert) */
  remoteAddress: z.string().max(64).catch("unknown"),
});

/** Who connects, as the Worker authenticated them, and from where. */
export type HandedOffAgent = AgentIdentity & { remoteAddress: string };

export function handoffRequest(url: string, upgrade: Request, who: HandedOffAgent): Request {
  const headers = new Headers({ Upgrade: "websocket" });
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol"]) {
    const v = upgrade.headers.get(h);
    if (v) headers.set(h, v);
  }
  headers.set(HEADERS.agentId, who.agentId);
  headers.set(HEADERS.tenantId, who.tenantId);
  headers.set(HEADERS.siteId, who.siteId);
  headers.set(HEADERS.name, encodeURIComponent(who.name));
  headers.set(HEADERS.remoteAddress, who.remoteAddress.slice(0, 64));
  return new Request(url, { headers });
}

export function readHandoff(request: Request): HandedOffAgent | null {
  const parsed = Handoff.safeParse({
    agentId: request.headers.get(HEADERS.agentId),
    tenantId: request.headers.get(HEADERS.tenantId),
    siteId: request.headers.get(HEADERS.siteId),
    name: decodeURIComponent(request.headers.get(HEADERS.name) ?? ""),
    remoteAddress: request.headers.get(HEADERS.remoteAddress) ?? "unknown",
  });
  return parsed.success ? parsed.data : null;
}
