import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listAgents } from "../../agent-hub/list-agents.ts";
import { revokeAgent } from "../../agent-hub/revoke-agent.ts";
import { describeWait } from "../../agent-hub/wait-reason.ts";
import { currentRelease } from "../../releases/release-bucket.ts";
import { siteHub } from "../../stubs.ts";
import { createEnrollmentToken } from "../../tenancy/enrollment.ts";
import { siteSettings } from "../../tenancy/sites.ts";
import { adminProcedure, router } from "../trpc.ts";

const SiteRef = z.object({ siteId: z.string().min(1).max(100) });

async function siteOrNotFound(db: D1Database, tenantId: string, siteId: string) {
  const site = await siteSettings(db, { tenantId, siteId });
  if (!site.ok) throw new TRPCError({ code: "NOT_FOUND", message: "site not found" });
  return site.value;
}

export const agentsRouter = router({
  /** The tenant's agents: name, site, version, connected?, last seen, jobs in flight. */
  list: adminProcedure.query(({ ctx }) => listAgents(ctx.env, ctx.principal.tenantId)),

  /** The agent release this edge offers (for the install command and "upgrade available"), or null. */
  release: adminProcedure.query(async ({ ctx }) => {
    const release = await currentRelease(ctx.env.AGENT_RELEASES);
    return release ? { version: release.version, publishedAt: release.publishedAt } : null;
  }),

  /** A one-time registration token for a site, valid one hour; the value is shown only in this answer. */
  createEnrollmentToken: adminProcedure.input(SiteRef).mutation(async ({ ctx, input }) => {
    await siteOrNotFound(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    return createEnrollmentToken(ctx.env.DB, {
      tenantId: ctx.principal.tenantId,
      siteId: input.siteId,
      createdBy: ctx.principal.userId,
      now: Date.now(),
    });
  }),

  /** Closes the agent's socket at once, refuses its credential and requeues its jobs. */
  revoke: adminProcedure
    .input(z.object({ agentId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeAgent(ctx.env, {
        tenantId: ctx.principal.tenantId,
        agentId: input.agentId,
        revokedBy: ctx.principal.userId,
        now: Date.now(),
      });
      if (!revoked.ok) throw new TRPCError({ code: "NOT_FOUND", message: "agent not found" });
      return revoked.value;
    }),

  /** A site's job queue as its hub sees it, each waiting job with the reason in a sentence. */
  queue: adminProcedure.input(SiteRef).query(async ({ ctx, input }) => {
    const site = await siteOrNotFound(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const status = await siteHub(ctx.env, site.siteId).status();
    return status.jobs.map((j) => ({
      ...j,
      waitingText: j.waiting ? describeWait(j.waiting, site.name) : null,
    }));
  }),
});
