import type { LeaseExtendAccepted } from "@gantry/shared/api/leases";
import type { DomainError } from "@gantry/shared/domain/domain-error";
import { ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideExtend } from "../provisioning/vm-lease-decider.ts";
import type { CommandDeps } from "./command-deps.ts";
import { decideOnLease } from "./lease-append.ts";
import { actionIdFor } from "./request-vm-action.ts";

/**
 * The owner (or an admin) extends a VM's lease: within its policy at once, beyond it as an approval in
 * the admins' queue. A retry with the same key lands on the same extension.
 */
export async function extendLease(
  deps: CommandDeps,
  input: {
    principal: Principal;
    vmId: string;
    idempotencyKey: string;
    seconds: number;
    reason: string | null;
  },
): Promise<Result<LeaseExtendAccepted, DomainError>> {
  const { principal, vmId, idempotencyKey, seconds, reason } = input;
  const extensionId = await actionIdFor({
    tenantId: principal.tenantId,
    vmId,
    userId: principal.userId,
    idempotencyKey,
  });
  const now = deps.clock().toISOString();
  return decideOnLease(deps, {
    principal,
    vmId,
    adminOnly: false,
    decide: (vm) => {
      const decided = decideExtend({ vmId: vm.vmId, extensionId, seconds, reason, now }, vm);
      if (!decided.ok) return decided;
      const { outcome, events } = decided.value;
      const approvalId = outcome === "awaiting-approval" ? extensionId : null;
      return ok({ events, value: { vmId, outcome, approvalId } });
    },
  });
}
