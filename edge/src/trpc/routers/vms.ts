import { ClearLeftoverInput, ListVmsInput } from "@gantry/shared/api/vms";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { isAdmin } from "../../auth/principal.ts";
import { clearLeftover } from "../../commands/clear-leftover.ts";
import { listLeftovers } from "../../projections/leftover-queries.ts";
import { listVms } from "../../projections/request-queries.ts";
import { visibleRequestSite } from "../../projections/request-site.ts";
import { siteHub } from "../../stubs.ts";
import { callError } from "../agent-call-error.ts";
import { unwrap } from "../errors.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

export const vmsRouter = router({
  /** VMs (provisioning, ready or failed) as `requests.get` would show them: a member's own, all for an admin. */
  list: authedProcedure.input(ListVmsInput).query(({ ctx, input }) =>
    listVms(ctx.deps.db, {
      ...input,
      tenantId: ctx.principal.tenantId,
      requesterId: isAdmin(ctx.principal) ? null : ctx.principal.userId,
    }),
  ),
  /** Half-built VMs that failed cleanups left in vCenter: admins must remove them by hand. */
  leftovers: adminProcedure
    .input(z.object({}).strict().prefault({}))
    .query(({ ctx }) => listLeftovers(ctx.deps.db, { tenantId: ctx.principal.tenantId })),
  /** An admin's word that a leftover VM is gone from vCenter; idempotent. */
  clearLeftover: adminProcedure
    .input(ClearLeftoverInput)
    .mutation(async ({ ctx, input }) =>
      unwrap(await clearLeftover(ctx.deps, { principal: ctx.principal, ...input })),
    ),
  /**
   * Live state of a request's VM (power, tools, IP, hostname), read through the site's agent; answers
   * from the hub's few-seconds cache of that VM, and never asks about more VMs at once than the hub allows.
   */
  status: authedProcedure
    .input(z.object({ requestId: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const row = await visibleRequestSite(ctx.env.DB, ctx.principal, input.requestId);
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "request not found" });
      if (!row.vmwareId)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "the VM does not exist yet" });
      const answer = await siteHub(ctx.env, row.siteId).vmStatus(row.vmwareId);
      if (!answer.ok) throw callError(answer.error, row.siteName);
      const result = answer.value;
      if (result.method !== "vm.status")
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "unexpected answer" });
      if (!result.outcome.ok)
        throw new TRPCError({ code: "NOT_FOUND", message: result.outcome.error.message });
      return result.outcome.value;
    }),
});
