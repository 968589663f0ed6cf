import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hubName } from "../../agents/hub-handoff.ts";
import {
  getSite,
  listSites,
  type SiteError,
  SiteSettingsInput,
  siteInventory,
  updateSite,
} from "../../agents/site-settings.ts";
import type { CallFailure } from "../../durable-objects/agent-hub-calls.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

const SiteRef = z.object({ siteId: z.string().min(1).max(100) });

function siteError(error: SiteError): TRPCError {
  switch (error.code) {
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

function callError(error: CallFailure, siteName: string): TRPCError {
  switch (error.code) {
    case "NO_AGENT_CONNECTED":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no agent connected for site ${siteName}`,
      });
    case "CALL_TIMEOUT":
      return new TRPCError({
        code: "TIMEOUT",
        message: `the agent of site ${siteName} did not answer in ${error.timeoutMs} ms`,
      });
    case "AGENT_DISCONNECTED":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `the agent of site ${siteName} disconnected`,
      });
  }
}

async function siteOf(db: D1Database, tenantId: string, siteId: string) {
  const site = await getSite(db, tenantId, siteId);
  if (!site.ok) throw siteError(site.error);
  return site.value;
}

const hub = (env: Env, siteId: string) => env.AGENT_HUB.get(env.AGENT_HUB.idFromName(hubName(siteId)));

export const sitesRouter = router({
  list: authedProcedure.query(({ ctx }) => listSites(ctx.env.DB, ctx.principal.tenantId)),

  get: adminProcedure
    .input(SiteRef)
    .query(({ ctx, input }) => siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId)),

  /** Placement picked from the reported inventory; every path is checked against it. */
  update: adminProcedure.input(SiteSettingsInput).mutation(async ({ ctx, input }) => {
    const updated = await updateSite(ctx.env, {
      tenantId: ctx.principal.tenantId,
      settings: input,
      now: new Date(),
    });
    if (!updated.ok) throw siteError(updated.error);
    return updated.value;
  }),

  /** The cached vCenter inventory (templates, networks, ...) the site's agent last reported. */
  inventory: authedProcedure.input(SiteRef).query(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    return siteInventory(ctx.env, site.siteId);
  }),

  /** Runs `vcenter.test` through a connected agent and names the check that failed. */
  testConnection: adminProcedure.input(SiteRef).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const templatePath = site.placement?.templatePath;
    const answer = await hub(ctx.env, site.siteId).callAgent({
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

  /** Live power state, tools, IP and hostname of a request's VM, read through the site's agent. */
  vmStatus: authedProcedure
    .input(z.object({ requestId: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const row = await ctx.env.DB.prepare(
        `SELECT r.vmware_id, r.requester_id, p.site_id, s.name AS site_name FROM request_summary r
       JOIN projects p ON p.id = r.project_id JOIN sites s ON s.id = p.site_id
       WHERE r.tenant_id = ? AND r.request_id = ?`,
      )
        .bind(ctx.principal.tenantId, input.requestId)
        .first<{ vmware_id: string | null; requester_id: string; site_id: string; site_name: string }>();
      const mayRead = row && (ctx.principal.role === "admin" || row.requester_id === ctx.principal.userId);
      if (!row || !mayRead) throw new TRPCError({ code: "NOT_FOUND", message: "request not found" });
      if (!row.vmware_id)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "the VM does not exist yet" });
      const answer = await hub(ctx.env, row.site_id).callAgent({
        call: { method: "vm.status", vmwareId: row.vmware_id },
      });
      if (!answer.ok) throw callError(answer.error, row.site_name);
      const result = answer.value;
      if (result.method !== "vm.status")
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unexpected answer" });
      if (!result.outcome.ok)
        throw new TRPCError({ code: "NOT_FOUND", message: result.outcome.error.message });
      return result.outcome.value;
    }),
});
