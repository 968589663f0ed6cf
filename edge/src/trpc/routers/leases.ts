import {
  ApproveExtensionInput,
  ExtendLeaseInput,
  PendingExtensionsInput,
  RejectExtensionInput,
  RescueLeaseInput,
  SetLeasePolicyInput,
  WithdrawExtensionInput,
} from "@gantry/shared/api/leases";
import { TRPCError } from "@trpc/server";
import { approveExtensionByPolicy } from "../../commands/approve-by-policy.ts";
import { decideLeaseExtension } from "../../commands/decide-lease-extension.ts";
import { extendLease } from "../../commands/extend-lease.ts";
import { rescueLease } from "../../commands/rescue-lease.ts";
import { setLeasePolicy } from "../../commands/set-lease-policy.ts";
import { pendingExtensions } from "../../projections/lease-queries.ts";
import { tenantLeasePolicies } from "../../tenancy/lease-policies.ts";
import { unwrap } from "../errors.ts";
import { adminProcedure, approverProcedure, authedProcedure, onlyTheirProjects, router } from "../trpc.ts";

/** Lease policies (admins), extensions (owners; admins decide those past the policy) and rescues (admins). */
export const leasesRouter = router({
  /** The tenant's default and each project's effective policy (`/admin/leases`). */
  policies: adminProcedure.query(({ ctx }) => tenantLeasePolicies(ctx.deps.db, ctx.principal.tenantId)),

  /** Sets the tenant's default or a project's own policy (or clears a project's); audited. */
  setPolicy: adminProcedure.input(SetLeasePolicyInput).mutation(async ({ ctx, input }) => {
    const set = await setLeasePolicy(ctx.deps, { principal: ctx.principal, ...input });
    if (set.ok) return tenantLeasePolicies(ctx.deps.db, ctx.principal.tenantId);
    if (set.error.code === "PROJECT_NOT_FOUND")
      throw new TRPCError({ code: "NOT_FOUND", message: "project not found" });
    throw new TRPCError({ code: "CONFLICT", message: "the policy changed at the same moment; try again" });
  }),

  /** The owner extends their VM's lease: within the policy at once, beyond it as an approval. */
  extend: authedProcedure.input(ExtendLeaseInput).mutation(async ({ ctx, input }) => {
    const accepted = unwrap(await extendLease(ctx.deps, { principal: ctx.principal, ...input }));
    if (accepted.outcome !== "awaiting-approval" || accepted.approvalId === null) return accepted;
    // past the lease policy: the project's approval policy may approve it at once (issue 18)
    const approved = await approveExtensionByPolicy(ctx.deps, {
      tenantId: ctx.principal.tenantId,
      vmId: input.vmId,
      approvalId: accepted.approvalId,
    });
    return approved ? { ...accepted, outcome: "extended" as const, approvalId: null } : accepted;
  }),

  /** Extensions past the policy waiting for approval, oldest first: part of the approvals queue. */
  pendingExtensions: approverProcedure.input(PendingExtensionsInput).query(({ ctx, input }) =>
    pendingExtensions(ctx.deps.db, {
      ...input,
      tenantId: ctx.principal.tenantId,
      now: ctx.deps.clock(),
      ...onlyTheirProjects(ctx.approverOf),
    }),
  ),

  /** Admins, and project approvers for their projects; nobody their own; two people when the policy says so. */
  approveExtension: approverProcedure.input(ApproveExtensionInput).mutation(async ({ ctx, input }) =>
    unwrap(
      await decideLeaseExtension(ctx.deps, {
        principal: ctx.principal,
        ...input,
        approverOf: ctx.approverOf ?? [],
        verdict: { verdict: "approve" },
      }),
    ),
  ),

  rejectExtension: approverProcedure.input(RejectExtensionInput).mutation(async ({ ctx, input }) => {
    const { reason, ...target } = input;
    const verdict = { verdict: "reject" as const, reason };
    const approverOf = ctx.approverOf ?? [];
    return unwrap(
      await decideLeaseExtension(ctx.deps, { principal: ctx.principal, ...target, verdict, approverOf }),
    );
  }),

  /** Its requester takes back an extension waiting for approval. */
  withdrawExtension: authedProcedure.input(WithdrawExtensionInput).mutation(async ({ ctx, input }) =>
    unwrap(
      await decideLeaseExtension(ctx.deps, {
        principal: ctx.principal,
        ...input,
        verdict: { verdict: "withdraw" },
      }),
    ),
  ),

  /** An admin saves a VM in its grace period: a new end, or no enforcement for it. */
  rescue: adminProcedure.input(RescueLeaseInput).mutation(async ({ ctx, input }) => {
    const { vmId, idempotencyKey, reason } = input;
    const rescue =
      input.mode === "extend"
        ? { mode: "extend" as const, seconds: input.seconds }
        : { mode: "exempt" as const };
    return unwrap(
      await rescueLease(ctx.deps, { principal: ctx.principal, vmId, idempotencyKey, reason, rescue }),
    );
  }),
});
