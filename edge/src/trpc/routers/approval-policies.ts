import { PreviewApprovalInput, SetApprovalPolicyInput } from "@gantry/shared/api/approval-policies";
import { TRPCError } from "@trpc/server";
import { setApprovalPolicy } from "../../commands/set-approval-policy.ts";
import { evaluateApprovalPolicy } from "../../provisioning/evaluate-approval-policy.ts";
import { tenantApprovalPolicies } from "../../tenancy/approval-policies.ts";
import { adminProcedure, router } from "../trpc.ts";

/** Approval policies (admins): which requests the system approves, which need two people, deadlines. */
export const approvalPoliciesRouter = router({
  /** The tenant's default and each project's effective policy (the settings page). */
  list: adminProcedure.query(({ ctx }) => tenantApprovalPolicies(ctx.deps.db, ctx.principal.tenantId)),

  /** Sets the tenant's default or a project's own policy (or clears a project's); audited. */
  set: adminProcedure.input(SetApprovalPolicyInput).mutation(async ({ ctx, input }) => {
    const set = await setApprovalPolicy(ctx.deps, { principal: ctx.principal, ...input });
    if (set.ok) return tenantApprovalPolicies(ctx.deps.db, ctx.principal.tenantId);
    if (set.error.code === "PROJECT_NOT_FOUND")
      throw new TRPCError({ code: "NOT_FOUND", message: "project not found" });
    throw new TRPCError({ code: "CONFLICT", message: "the policy changed at the same moment; try again" });
  }),

  /** What the policy being edited would decide for a request of this size: the same evaluation submit runs. */
  preview: adminProcedure
    .input(PreviewApprovalInput)
    .query(({ input }) =>
      evaluateApprovalPolicy(input.policy, { subject: input.subject, spec: input.spec, size: input.size }),
    ),
});
