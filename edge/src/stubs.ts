/**
 * How the Worker reaches each Durable Object: one object per tenant site, per request, per tenant,
 * never one global object. The names are the objects' addresses; changing one strands the objects
 * already stored under the old name.
 */

export const hubName = (siteId: string) => `site:${siteId}`;
export const feedName = (tenantId: string) => `tenant:${tenantId}`;

/** The AgentHub of a tenant site: its agents' sockets, job queue and leases. */
export const siteHub = (env: Pick<Env, "AGENT_HUB">, siteId: string) =>
  env.AGENT_HUB.get(env.AGENT_HUB.idFromName(hubName(siteId)));

/** The RequestProgress object of one provisioning request. */
export const requestProgress = (env: Pick<Env, "REQUEST_PROGRESS">, requestId: string) =>
  env.REQUEST_PROGRESS.get(env.REQUEST_PROGRESS.idFromName(requestId));

/** The TenantFeed object of one tenant: request and site changes pushed to its open browsers. */
export const tenantFeed = (env: Pick<Env, "TENANT_FEED">, tenantId: string) =>
  env.TENANT_FEED.get(env.TENANT_FEED.idFromName(feedName(tenantId)));
