import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listAgents } from "../../agent-hub/list-agents.ts";
import { revokeAgent } from "../../agent-hub/revoke-agent.ts";
import { describeWait } from "../../agent-hub/wait-reason.ts";
import { createEnrollmentToken, revokeEnrollmentToken } from "../../commands/enrollment-tokens.ts";
import { personActor } from "../../commands/record-tenancy-event.ts";
import { currentRelease } from "../../releases/release-bucket.ts";
import { siteHub } from "../../stubs.ts";
import { listUnusedTokens } from "../../tenancy/enrollment.ts";
import { siteSettings } from "../../tenancy/sites.ts";
import { adminProcedure, router } from "../trpc.ts";

const SiteRef = z.object({ siteId: z.string().min(1).max(100) });

async function siteOrNotFound(db: D1Database, tenantId: string, siteId: string) {
  const site = await siteSettings(db, { tenantId, siteId });
  if (!site.ok) throw new TRPCError({ code: "NOT_FOUND", message: "site not found" });
  return site.value;
}

const concurrentWrite = () =>
  new TRPCError({ code: "CONFLICT", message: "changed by someone else at the same moment; try again" });

export const agentsRouter = router({
  /** The tenant's agents: name, site, version, connected?, last seen, jobs in flight, alerts. */
  list: adminProcedure.query(({ ctx }) => listAgents(ctx.env, ctx.principal.tenantId)),

  /** The agent release this edge offers (for the install command and "upgrade available"), or null. */
  release: adminProcedure.query(async ({ ctx }) => {
    const release = await currentRelease(ctx.env.AGENT_RELEASES);
    return release ? { version: release.version, publishedAt: release.publishedAt } : null;
  }),

  /** A one-time registration token for a site, valid one hour; the value is shown only in this answer. */
  createEnrollmentToken: adminProcedure.input(SiteRef).mutation(async ({ ctx, input }) => {
    await siteOrNotFound(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const created = await createEnrollmentToken(ctx.deps, { principal: ctx.principal, siteId: input.siteId });
    if (!created.ok && created.error.code === "SITE_ARCHIVED")
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "this site is archived; it enrolls no agent",
      });
    if (!created.ok) throw concurrentWrite();
    return created.value;
  }),

  /** Tokens that could still enroll an agent (not used, withdrawn or expired), newest first; never their value. */
  enrollmentTokens: adminProcedure
    .input(z.object({}).strict().prefault({}))
    .query(({ ctx }) => listUnusedTokens(ctx.deps.db, { tenantId: ctx.principal.tenantId, now: Date.now() })),

  /** Withdraws an unused token before it expires; a used, withdrawn or expired one is NOT_FOUND. */
  revokeEnrollmentToken: adminProcedure
    .input(z.object({ tokenId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeEnrollmentToken(ctx.deps, {
        principal: ctx.principal,
        tokenId: input.tokenId,
      });
      if (revoked.ok) return revoked.value;
      if (revoked.error.code === "TOKEN_NOT_FOUND")
        throw new TRPCError({ code: "NOT_FOUND", message: "no unused enrollment token with this id" });
      throw concurrentWrite();
    }),

  /** Closes the agent's socket at once, refuses its credential and requeues its jobs. */
  revoke: adminProcedure
    .input(z.object({ agentId: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeAgent(ctx.env, ctx.deps, {
        tenantId: ctx.principal.tenantId,
        agentId: input.agentId,
        actor: personActor(ctx.principal),
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
