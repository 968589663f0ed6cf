import { ListVmsInput } from "@gantry/shared/api/vms";
import { listVms } from "../../projections/request-queries.ts";
import { authedProcedure, router } from "../trpc.ts";

export const vmsRouter = router({
  /** The tenant's VMs: provisioning, ready or failed. */
  list: authedProcedure
    .input(ListVmsInput)
    .query(({ ctx, input }) => listVms(ctx.deps.db, { ...input, tenantId: ctx.principal.tenantId })),
});
