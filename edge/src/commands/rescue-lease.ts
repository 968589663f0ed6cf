import type { DomainError } from "@gantry/shared/domain/domain-error";
import { ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { decideRescue } from "../provisioning/vm-lease-decider.ts";
import type { CommandDeps } from "./command-deps.ts";
import { decideOnLease } from "./lease-append.ts";
import { actionIdFor } from "./request-vm-action.ts";

/**
 * An admin rescues a VM whose lease ran out, during its grace period: a new end (no policy limit), or no
 * enforcement for this VM. The VM's deletion is then never asked for.
 */
export async function rescueLease(
  deps: CommandDeps,
  input: {
    principal: Principal;
    vmId: string;
    idempotencyKey: string;
    reason: string | null;
    rescue: { mode: "extend"; seconds: number } | { mode: "exempt" };
  },
): Promise<Result<{ vmId: string }, DomainError>> {
  const { principal, vmId, idempotencyKey, reason, rescue } = input;
  const rescueId = await actionIdFor({
    tenantId: principal.tenantId,
    vmId,
    userId: principal.userId,
    idempotencyKey,
  });
  const now = deps.clock().toISOString();
  return decideOnLease(deps, {
    principal,
    vmId,
    adminOnly: true,
    decide: (vm) => {
      const command =
        rescue.mode === "extend"
          ? { mode: "extend" as const, rescueId, seconds: rescue.seconds, reason, now }
          : { mode: "exempt" as const, rescueId, reason };
      const decided = decideRescue(command, vm);
      return decided.ok ? ok({ events: decided.value, value: { vmId } }) : decided;
    },
  });
}
