import {
  AdoptUnownedVmInput,
  DestroyUnownedVmInput,
  ReconciliationSiteInput,
  type SiteReconciliation,
} from "@gantry/shared/api/reconciliation";
import { TRPCError } from "@trpc/server";
import type { ScanFailure } from "../../agent-hub/site-scan.ts";
import {
  ADOPT_JOB,
  ADOPT_NEEDS,
  type AdoptUnownedError,
  adoptUnownedVm,
} from "../../commands/adopt-unowned-vm.ts";
import {
  DESTROY_UNOWNED_JOB,
  DESTROY_UNOWNED_NEEDS,
  type DestroyUnownedError,
  destroyUnownedVm,
} from "../../commands/destroy-unowned-vm.ts";
import { lastScanOf, missingVmsOf, unownedVmsOf } from "../../projections/reconciliation-projection.ts";
import { siteHub } from "../../stubs.ts";
import { siteSettings } from "../../tenancy/sites.ts";
import { vmPolicyFor } from "../../tenancy/vm-policy.ts";
import { callError } from "../agent-call-error.ts";
import { adminProcedure, router } from "../trpc.ts";

/** The tenant's site, or NOT_FOUND: another tenant's site answers exactly like a missing one. */
async function siteOf(db: D1Database, tenantId: string, siteId: string) {
  const site = await siteSettings(db, { tenantId, siteId });
  if (!site.ok) throw new TRPCError({ code: "NOT_FOUND", message: "site not found" });
  return site.value;
}

function scanError(error: ScanFailure, siteName: string): TRPCError {
  switch (error.code) {
    case "AGENT_TOO_OLD":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no connected agent of site ${siteName} can scan (connected: ${error.versions.join(", ") || "unknown"}): it needs ${error.needs}`,
      });
    case "SCAN_FAILED":
    case "SCAN_INCOMPLETE":
    case "NOT_RECORDED":
      return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `the scan failed: ${error.message}` });
    default:
      return callError(error, siteName);
  }
}

function destroyError(error: DestroyUnownedError, siteName: string): TRPCError {
  switch (error.code) {
    case "NOT_FOUND":
      return new TRPCError({
        code: "NOT_FOUND",
        message: "no such unowned VM (a newer scan may have changed it)",
      });
    case "CONFIRMATION_MISMATCH":
      return new TRPCError({ code: "BAD_REQUEST", message: "type the VM's name exactly to destroy it" });
    case "NO_AGENT_CAN_RUN":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no connected agent of site ${siteName} can destroy it (${error.connected} connected): it needs ${error.needs}`,
      });
    case "CONCURRENT_MODIFICATION":
      return new TRPCError({
        code: "CONFLICT",
        message: "someone else acted on this VM at the same time; try again",
      });
  }
}

function adoptError(error: AdoptUnownedError, siteName: string): TRPCError {
  switch (error.code) {
    case "NOT_FOUND":
      return new TRPCError({
        code: "NOT_FOUND",
        message: "no such unowned VM (a newer scan may have changed it)",
      });
    case "PROJECT_NOT_FOUND":
      return new TRPCError({ code: "NOT_FOUND", message: "project not found" });
    case "PROJECT_ARCHIVED":
      return new TRPCError({ code: "BAD_REQUEST", message: "the project is archived: it takes no new VM" });
    case "PROJECT_OF_ANOTHER_SITE":
      return new TRPCError({
        code: "BAD_REQUEST",
        message: `the project does not place VMs on site ${siteName}`,
      });
    case "OWNER_NOT_FOUND":
      return new TRPCError({ code: "NOT_FOUND", message: "no such person in this tenant" });
    case "NO_AGENT_CAN_RUN":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no connected agent of site ${siteName} can adopt it (${error.connected} connected): it needs ${error.needs}`,
      });
    case "CONCURRENT_MODIFICATION":
      return new TRPCError({
        code: "CONFLICT",
        message: "someone else acted on this VM at the same time; try again",
      });
  }
}

/** Reconciliation (issue 16): what vCenter holds with our marker against what Gantry believes. Admins only. */
export const reconciliationRouter = router({
  /** The site's last scan, its unowned marker VMs and its missing VMs, and whether an agent can scan. */
  get: adminProcedure.input(ReconciliationSiteInput).query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const site = await siteOf(ctx.env.DB, tenantId, input.siteId);
    const scope = { tenantId, siteId: site.siteId };
    const [lastScan, unowned, missing, scanner, capabilities] = await Promise.all([
      lastScanOf(ctx.env.DB, scope),
      unownedVmsOf(ctx.env.DB, scope),
      missingVmsOf(ctx.env.DB, scope),
      siteHub(ctx.env, site.siteId).scanner(),
      ctx.deps.dispatcher.capabilities(site.siteId),
    ]);
    const canDestroy = capabilities.jobs.includes(DESTROY_UNOWNED_JOB);
    const destroyer = {
      available: canDestroy,
      needs: canDestroy || capabilities.connected === 0 ? null : DESTROY_UNOWNED_NEEDS,
    };
    const canAdopt = capabilities.jobs.includes(ADOPT_JOB);
    const adopter = {
      available: canAdopt,
      needs: canAdopt || capabilities.connected === 0 ? null : ADOPT_NEEDS,
    };
    return {
      siteId: site.siteId,
      siteName: site.name,
      lastScan,
      unowned,
      missing,
      scanner,
      destroyer,
      adopter,
    } satisfies SiteReconciliation;
  }),

  /** Scans the site now (or joins the scan that runs) and answers its figures once recorded. */
  scan: adminProcedure.input(ReconciliationSiteInput).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const { userId: id, name } = ctx.principal;
    const scanned = await siteHub(ctx.env, site.siteId).scanSite("on-demand", { id, name });
    if (!scanned.ok) throw scanError(scanned.error, site.name);
    return scanned.value;
  }),

  /** Destroys an unowned marker VM (typed name; only while it still carries the marker the scan saw). */
  destroy: adminProcedure.input(DestroyUnownedVmInput).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    const destroyed = await destroyUnownedVm(ctx.deps, { principal: ctx.principal, request: input, policy });
    if (!destroyed.ok) throw destroyError(destroyed.error, site.name);
    return destroyed.value;
  }),

  /** Adopts an unowned marker VM into a project, owned by a person of the tenant (the marker is rewritten). */
  adopt: adminProcedure.input(AdoptUnownedVmInput).mutation(async ({ ctx, input }) => {
    const site = await siteOf(ctx.env.DB, ctx.principal.tenantId, input.siteId);
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    const adopted = await adoptUnownedVm(ctx.deps, { principal: ctx.principal, request: input, policy });
    if (!adopted.ok) throw adoptError(adopted.error, site.name);
    return adopted.value;
  }),
});
