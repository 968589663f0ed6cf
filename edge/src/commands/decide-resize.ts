import type { VmActionAccepted } from "@gantry/shared/api/vms";
import type { DomainError } from "@gantry/shared/domain/domain-error";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import type { CommitGuard } from "../event-store/append-to-stream.ts";
import { actionJobIdFor } from "../provisioning/build-action-job.ts";
import { decideResize, type ResizeDecision } from "../provisioning/vm-resize-decider.ts";
import type { VmPolicy } from "../tenancy/vm-policy.ts";
import { actionDeadline } from "./action-deadline.ts";
import { userCommandContext } from "./command-context.ts";
import type { DispatchDeps } from "./command-deps.ts";
import { type Decision, done, handleCommand } from "./handle-command.ts";
import type { JobDispatch } from "./job-dispatcher.ts";
import { capacityClaim, quotaRefusal, resizeNeed } from "./quota-guard.ts";
import { actionDispatch, appendToVmWithJobs, dispatchTarget } from "./request-vm-action.ts";
import { decidableVm, loadManagedVm, visibleVm } from "./vm-access.ts";

export type ResizeVerdict =
  | { verdict: "approve" }
  | { verdict: "reject"; reason: string }
  /** the owner (or an admin) takes it back */
  | { verdict: "withdraw" };

/**
 * An admin or a project approver approves (the resize then runs, its job dispatched in the same commit) or rejects a resize
 * up; its owner may withdraw it while it waits. Deciding again the same way is a harmless repeat.
 */
export async function decideResizeApproval(
  deps: DispatchDeps,
  input: {
    principal: Principal;
    vmId: string;
    approvalId: string;
    verdict: ResizeVerdict;
    policy: VmPolicy;
    /** the projects the principal approves for without being a tenant admin */
    approverOf?: readonly string[];
  },
): Promise<Result<VmActionAccepted, DomainError>> {
  const { principal, vmId, approvalId, verdict, policy } = input;
  const jobId = actionJobIdFor(approvalId);
  const deadline = actionDeadline(policy, { now: deps.clock(), timeoutSeconds: policy.guestTimeoutSeconds });
  const command: ResizeDecision =
    verdict.verdict === "approve"
      ? {
          type: "ApproveResize",
          data: {
            approvalId,
            approverId: principal.userId,
            jobId,
            deadline,
            timeoutSeconds: policy.guestTimeoutSeconds,
          },
        }
      : verdict.verdict === "reject"
        ? { type: "RejectResize", data: { approvalId, reason: verdict.reason } }
        : { type: "WithdrawResize", data: { approvalId } };
  const claim = capacityClaim(deps.db, "this resize");
  const result = await handleCommand(deps.store, {
    load: () => loadManagedVm(deps.db, vmId),
    decide: async (loaded): Promise<Decision<VmActionAccepted>> => {
      // approving and rejecting are for admins and the project's approvers; withdrawing for whoever sees it
      const vm =
        verdict.verdict === "withdraw"
          ? visibleVm(principal, loaded)
          : decidableVm(principal, loaded, input.approverOf ?? []);
      if (!vm) return done(err({ code: "VM_NOT_FOUND", vmId }));
      const decided = decideResize(command, vm);
      if (!decided.ok) return done(decided);
      // a first of two approvals the policy asks for runs nothing yet
      const approves =
        verdict.verdict === "approve" && !decided.value.some((e) => e.type === "VmApprovalGiven");
      const outcome: VmActionAccepted["outcome"] =
        verdict.verdict !== "approve" ? "done" : approves ? "queued" : "awaiting-approval";
      const answer = (version: number): VmActionAccepted => ({
        vmId,
        actionId: approves ? approvalId : null,
        approvalId,
        outcome,
        version,
      });
      if (decided.value.length === 0) return done(ok(answer(loaded.streams.vm.version)));
      const dispatches: JobDispatch[] = [];
      const guards: CommitGuard[] = [];
      for (const event of decided.value) {
        if (event.type !== "VmActionRequested") continue;
        const { action } = event.data;
        if (action.kind === "resize") {
          // the growth must fit the quota now, and still when the batch commits
          const need = resizeNeed(principal.tenantId, vm, action.to.spec);
          const overQuota = await quotaRefusal(deps.db, { ...need, what: "this resize", field: null });
          if (overQuota) return done(err(overQuota));
          guards.push(claim.guard(need));
        }
        const target = await dispatchTarget(deps, { tenantId: principal.tenantId, vm, kind: "resize" });
        if (!target.ok) return done(target);
        dispatches.push(
          actionDispatch({
            tenantId: principal.tenantId,
            siteId: target.value.siteId,
            vm,
            requested: event.data,
          }),
        );
      }
      return appendToVmWithJobs(deps, {
        loaded,
        vm,
        events: decided.value,
        ctx: userCommandContext(deps, principal),
        dispatches,
        guards,
        answer,
      });
    },
    onRefused: () => claim.refused(vmId),
  });
  return claim.answer(result);
}
