import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { updateSiteSettings } from "../../commands/update-site-settings.ts";
import { readSiteInventory } from "../../deps.ts";
import { siteHub } from "../../stubs.ts";
import { listSites, type SiteError, SiteSettingsInput, siteSettings } from "../../tenancy/sites.ts";
import { callError } from "../agent-call-error.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

const SiteRef = z.object({ siteId: z.string().min(1).max(100) });

function siteError(error: SiteError | { code: "CONCURRENT_MODIFICATION" }): TRPCError {
  switch (error.code) {
    case "CONCURRENT_MODIFICATION":
      return new TRPCError({ code: "CONFLICT", message: "the site changed at the same moment; try again" });
    case "SITE_NOT_FOUND":
      return new TRPCError({ code: "NOT_FOUND", message: "site not found" });
    case "NO_INVENTORY":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "no agent of this site has reported its vCenter inventory yet",
      });
    case "NOT_IN_INVENTORY":
      return new TRPCError({
        code: "BAD_REQUEST",
        message: `${error.field}: ${error.path} is not in the site's vCenter inventory`,
      });
  }
}

async function siteOf(db: D1Database, tenantId: string, siteId: string) {
  const site = await siteSettings(db, { tenantId, siteId });
  if (!site.ok) throw siteError(site.error);
  return site.value;
}

export const sitesRouter = router({
  list: authedProcedure.query(({ ctx }) => listSites(ctx.env.DB, ctx.principal.tenantId)),

  get: adminProcedure
    .input(SiteRef)
    .query(({ ctx, input }) => siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId)),

  /** Placement picked from the reported inventory; every path is checked against it. */
  update: adminProcedure.input(SiteSettingsInput).mutation(async ({ ctx, input }) => {
    const updated = await updateSiteSettings(ctx.deps, {
      principal: ctx.principal,
      settings: input,
      inventoryOf: readSiteInventory(ctx.env),
    });
    if (!updated.ok) throw siteError(updated.error);
    return updated.value;
  }),

  /**
   * The cached vCenter inventory (templates, networks, ...) the site's agent last reported; admins only
   * (members get the networks a project offers from `catalog`, never the whole vCenter).
   */
  inventory: adminProcedure.input(SiteRef).query(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    return readSiteInventory(ctx.env)(site.siteId);
  }),

  /**
   * Has a connected agent read the inventory from vCenter now (agents report on connect and on a
   * periodic check otherwise). Its report reaches the hub before its answer, so this returns the
   * fresh inventory.
   */
  refreshInventory: adminProcedure.input(SiteRef).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const answer = await siteHub(ctx.env, site.siteId).callAgent({
      call: { method: "inventory.refresh" },
      timeoutMs: 60_000,
    });
    if (!answer.ok) throw callError(answer.error, site.name);
    const result = answer.value;
    if (result.method !== "inventory.refresh")
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unexpected answer" });
    if (!result.outcome.ok) {
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `the agent could not read the vCenter inventory: ${result.outcome.error.message}`,
      });
    }
    return readSiteInventory(ctx.env)(site.siteId);
  }),

  /** Runs `vcenter.test` through a connected agent and names the check that failed. */
  testConnection: adminProcedure.input(SiteRef).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const templatePath = site.placement?.templatePath;
    const answer = await siteHub(ctx.env, site.siteId).callAgent({
      call: { method: "vcenter.test", ...(templatePath ? { templatePath } : {}) },
      timeoutMs: 30_000,
    });
    if (!answer.ok) throw callError(answer.error, site.name);
    const result = answer.value;
    if (result.method !== "vcenter.test")
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unexpected answer" });
    if (!result.outcome.ok)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: result.outcome.error.message });
    const checks = result.outcome.value.checks;
    return { ok: checks.every((c) => c.ok), failed: checks.filter((c) => !c.ok).map((c) => c.name), checks };
  }),
});
