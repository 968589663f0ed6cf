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
} as const;

const Handoff = z.object({
  agentId: z.string().min(1).max(100),
  tenantId: z.string().min(1).max(100),
  siteId: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
});

export function handoffRequest(url: string, upgrade: Request, who: AgentIdentity): Request {
  const headers = new Headers({ Upgrade: "websocket" });
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol"]) {
    const v = upgrade.headers.get(h);
    if (v) headers.set(h, v);
  }
  headers.set(HEADERS.agentId, who.agentId);
  headers.set(HEADERS.tenantId, who.tenantId);
  headers.set(HEADERS.siteId, who.siteId);
  headers.set(HEADERS.name, encodeURIComponent(who.name));
  return new Request(url, { headers });
}

export function readHandoff(request: Request): AgentIdentity | null {
  const parsed = Handoff.safeParse({
    agentId: request.headers.get(HEADERS.agentId),
    tenantId: request.headers.get(HEADERS.tenantId),
    siteId: request.headers.get(HEADERS.siteId),
    name: decodeURIComponent(request.headers.get(HEADERS.name) ?? ""),
  });
  return parsed.success ? parsed.data : null;
}
