import { ListAuditInput } from "@gantry/shared/api/audit";
import { listAudit } from "../../projections/audit-queries.ts";
import { adminProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  /** Who did what when in the tenant, newest first. */
  list: adminProcedure
    .input(ListAuditInput)
    .query(({ ctx, input }) => listAudit(ctx.deps.db, { ...input, tenantId: ctx.principal.tenantId })),
});
