import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmEvent } from "@gantry/shared/events/vm";
import { err, ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import type { ManagedVm } from "../provisioning/managed-vm.ts";
import { userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { done, handleCommand } from "./handle-command.ts";
import { decidableVm, loadManagedVm, visibleVm } from "./vm-access.ts";
import { appendToVm } from "./vm-append.ts";

/**
 * A person's decision on a VM's lease: the VM loaded and checked (visible to them; `adminOnly` commands
 * read like a missing VM to anyone but an admin or, given `approverOf`, the VM's project's approver), `decide` run on it, its events appended at the version loaded
 * and pushed to the owner's and admins' pages. Lease decisions ask for no agent work.
 */
export function decideOnLease<TValue>(
  deps: CommandDeps,
  input: {
    principal: Principal;
    vmId: string;
    adminOnly: boolean;
    /** for a decision (`adminOnly`): the projects a project approver decides for */
    approverOf?: readonly string[];
    decide: (vm: ManagedVm) => Result<{ events: VmEvent[]; value: TValue }, DomainError>;
  },
): Promise<Result<TValue, DomainError>> {
  const { principal, vmId } = input;
  return handleCommand(deps.store, {
    load: () => loadManagedVm(deps.db, vmId),
    decide: (loaded) => {
      const vm = input.adminOnly
        ? decidableVm(principal, loaded, input.approverOf ?? [])
        : visibleVm(principal, loaded);
      if (!vm) return done(err({ code: "VM_NOT_FOUND", vmId }));
      const decided = input.decide(vm);
      if (!decided.ok) return done(decided);
      const { events, value } = decided.value;
      if (events.length === 0) return done(ok(value));
      const ctx = userCommandContext(deps, principal);
      return appendToVm(deps, {
        loaded,
        vmId: vm.vmId,
        ownerId: vm.ownerId,
        events,
        ctx,
        answer: () => value,
      });
    },
  });
}
