import type { DomainError } from "@gantry/shared/domain/domain-error";
import { ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideExtension, type ExtensionVerdict } from "../provisioning/vm-lease-decider.ts";
import type { CommandDeps } from "./command-deps.ts";
import { decideOnLease } from "./lease-append.ts";

/**
 * An admin or a project approver approves (never their own) or rejects an extension past the policy; its requester may
 * withdraw it while it waits. Deciding again the same way is a harmless repeat.
 */
export function decideLeaseExtension(
  deps: CommandDeps,
  input: {
    principal: Principal;
    vmId: string;
    approvalId: string;
    /** the projects the principal approves for without being a tenant admin */
    approverOf?: readonly string[];
    verdict: { verdict: "approve" } | { verdict: "reject"; reason: string } | { verdict: "withdraw" };
  },
): Promise<Result<{ vmId: string; approvalId: string }, DomainError>> {
  const { principal, vmId, approvalId } = input;
  const verdict: ExtensionVerdict =
    input.verdict.verdict === "approve"
      ? { verdict: "approve", approverId: principal.userId }
      : input.verdict;
  return decideOnLease(deps, {
    principal,
    vmId,
    // approving and rejecting are for admins and the project's approvers; withdrawing for whoever sees the VM
    adminOnly: verdict.verdict !== "withdraw",
    approverOf: input.approverOf ?? [],
    decide: (vm) => {
      const decided = decideExtension({ approvalId, verdict }, vm);
      return decided.ok ? ok({ events: decided.value, value: { vmId, approvalId } }) : decided;
    },
  });
}
