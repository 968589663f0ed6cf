import { QuotaLeftInput, SetQuotaInput } from "@gantry/shared/api/quotas";
import { TRPCError } from "@trpc/server";
import { setQuota } from "../../commands/set-quota.ts";
import { quotaLeft, tenantQuotaUsage } from "../../projections/quota-queries.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

const projectNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "project not found" });

/** Quotas: admins set them and see usage per project; the request form asks what is left. */
export const quotasRouter = router({
  /** The tenant's quota and each project's, with used and requested (`/settings/quotas`). */
  list: adminProcedure.query(({ ctx }) => tenantQuotaUsage(ctx.deps.db, ctx.principal.tenantId)),

  /** Sets the tenant's own quota or a project's; audited as QuotaChanged. */
  set: adminProcedure.input(SetQuotaInput).mutation(async ({ ctx, input }) => {
    const set = await setQuota(ctx.deps, { principal: ctx.principal, ...input });
    if (set.ok) return set.value;
    if (set.error.code === "PROJECT_NOT_FOUND") throw projectNotFound();
    throw new TRPCError({ code: "CONFLICT", message: "the quota changed at the same moment; try again" });
  }),

  /** What a project (and the tenant) has left, for the request form; another tenant's project is missing. */
  left: authedProcedure.input(QuotaLeftInput).query(async ({ ctx, input }) => {
    const left = await quotaLeft(ctx.deps.db, { tenantId: ctx.principal.tenantId, ...input });
    if (!left) throw projectNotFound();
    return left;
  }),
});
