import { DurableObject } from "cloudflare:workers";

/**
 * Responsibilities: one object per tenant site. Holds the site's agent sockets (hibernatable),
 * the job queue and leases.
 */
export class AgentHub extends DurableObject<Env> {
  async connectedAgents(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }
}
