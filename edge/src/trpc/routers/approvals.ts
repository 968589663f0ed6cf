import { ApproveInput, PendingQueueInput, RejectInput } from "@gantry/shared/api/approvals";
import { pendingQueue } from "../../projections/request-queries.ts";
import { approveRequest } from "../../provisioning/approve-request.ts";
import { rejectRequest } from "../../provisioning/reject-request.ts";
import { unwrap } from "../errors.ts";
import { adminProcedure, router } from "../trpc.ts";

export const approvalsRouter = router({
  /** The tenant's pending requests, oldest first, long waits flagged. */
  pending: adminProcedure
    .input(PendingQueueInput)
    .query(({ ctx, input }) =>
      pendingQueue(ctx.deps.db, { ...input, tenantId: ctx.principal.tenantId, now: ctx.deps.clock() }),
    ),

  /** Approves at the version the admin saw and dispatches exactly one provisioning job. */
  approve: adminProcedure
    .input(ApproveInput)
    .mutation(async ({ ctx, input }) =>
      unwrap(await approveRequest(ctx.deps, { principal: ctx.principal, ...input })),
    ),

  reject: adminProcedure
    .input(RejectInput)
    .mutation(async ({ ctx, input }) =>
      unwrap(await rejectRequest(ctx.deps, { principal: ctx.principal, ...input })),
    ),
});
