import {
  ApproveInput,
  ApproveResizeInput,
  PendingQueueInput,
  PendingResizesInput,
  RejectInput,
  RejectResizeInput,
  StopProvisioningInput,
} from "@gantry/shared/api/approvals";
import { approveRequest } from "../../commands/approve-request.ts";
import { decideResizeApproval } from "../../commands/decide-resize.ts";
import { rejectRequest } from "../../commands/reject-request.ts";
import { stopProvisioning } from "../../commands/stop-provisioning.ts";
import { approvalProgressOf } from "../../projections/request-approvals.ts";
import { pendingCount, pendingQueue } from "../../projections/request-queries.ts";
import { pendingResizes } from "../../projections/vm-queries.ts";
import { siteHub } from "../../stubs.ts";
import { vmPolicyFor } from "../../tenancy/vm-policy.ts";
import { unwrap } from "../errors.ts";
import { adminProcedure, approverProcedure, onlyTheirProjects, router } from "../trpc.ts";

export const approvalsRouter = router({
  /** The tenant's pending requests, oldest first, long waits flagged. */
  pending: approverProcedure.input(PendingQueueInput).query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    const page = await pendingQueue(ctx.deps.db, {
      ...input,
      tenantId,
      now: ctx.deps.clock(),
      ...onlyTheirProjects(ctx.approverOf),
    });
    // "1 of 2 approvals": what the approval policy asks of each, beside the queue's own rows
    const progress = await approvalProgressOf(ctx.deps.db, {
      tenantId,
      requestIds: page.items.map((r) => r.requestId),
    });
    return {
      ...page,
      items: page.items.map((r) => ({ ...r, approvals: progress.get(r.requestId) ?? null })),
    };
  }),

  /** How many requests wait; the web refetches it when the change feed says a request entered or left the queue. */
  pendingCount: approverProcedure.query(async ({ ctx }) => ({
    count: await pendingCount(ctx.deps.db, ctx.principal.tenantId, onlyTheirProjects(ctx.approverOf)),
  })),

  /** Approves at the version the admin saw and dispatches exactly one provisioning job. */
  /** Tenant admins approve any project's requests, project approvers their projects'; nobody their own. */
  approve: approverProcedure.input(ApproveInput).mutation(async ({ ctx, input }) =>
    unwrap(
      await approveRequest(ctx.deps, {
        principal: ctx.principal,
        ...input,
        approverOf: ctx.approverOf ?? [],
      }),
    ),
  ),

  reject: approverProcedure.input(RejectInput).mutation(async ({ ctx, input }) =>
    unwrap(
      await rejectRequest(ctx.deps, {
        principal: ctx.principal,
        ...input,
        approverOf: ctx.approverOf ?? [],
      }),
    ),
  ),

  /** Stops an approved or provisioning request: its agent tears down what it built; ends FAILED (CANCELLED). */
  stopProvisioning: adminProcedure.input(StopProvisioningInput).mutation(async ({ ctx, input }) => {
    const stopJob = async (job: Parameters<ReturnType<typeof siteHub>["stopJob"]>[0]) =>
      (await siteHub(ctx.env, job.siteId).stopJob(job)).stop;
    return unwrap(await stopProvisioning(ctx.deps, stopJob, { principal: ctx.principal, ...input }));
  }),

  /** Resizes up waiting for approval, oldest first, long waits flagged: the second half of the queue. */
  resizes: approverProcedure.input(PendingResizesInput).query(({ ctx, input }) =>
    pendingResizes(ctx.deps.db, {
      ...input,
      tenantId: ctx.principal.tenantId,
      now: ctx.deps.clock(),
      ...onlyTheirProjects(ctx.approverOf),
    }),
  ),

  /**
   * Approves a resize up (never one's own; admins, and project approvers for their projects); the resize
   * runs at once, its job on the way to the site, or on the second approval when the policy asks for two.
   */
  approveResize: approverProcedure.input(ApproveResizeInput).mutation(async ({ ctx, input }) => {
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    const verdict = { verdict: "approve" as const };
    const approverOf = ctx.approverOf ?? [];
    return unwrap(
      await decideResizeApproval(ctx.deps, {
        principal: ctx.principal,
        ...input,
        verdict,
        policy,
        approverOf,
      }),
    );
  }),

  rejectResize: approverProcedure.input(RejectResizeInput).mutation(async ({ ctx, input }) => {
    const policy = await vmPolicyFor(ctx.env, ctx.deps.db, ctx.principal.tenantId);
    const { reason, ...target } = input;
    const verdict = { verdict: "reject" as const, reason };
    const approverOf = ctx.approverOf ?? [];
    return unwrap(
      await decideResizeApproval(ctx.deps, {
        principal: ctx.principal,
        ...target,
        verdict,
        policy,
        approverOf,
      }),
    );
  }),
});
