import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmLiveStatus } from "@gantry/shared/jobs/inventory";
import { ok, type Result } from "@gantry/shared/result";
import type { Principal } from "../auth/principal.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import { decideObserveAddress } from "../provisioning/vm-decider.ts";
import { toNewEvents, userCommandContext } from "./command-context.ts";
import type { CommandDeps } from "./command-deps.ts";
import { appendTo, type Decision, done, handleCommand } from "./handle-command.ts";
import { loadVm } from "./load-aggregates.ts";

/**
 * Records the address a live status read found for a ready VM when it is not the one on record —
 * typically the address that arrived after provisioning's network wait ended without one — as a
 * `VmAddressObserved` on the VM's stream: the request's card, lists and timeline show it from then on.
 * The person whose refresh found it is the actor. Idempotent; the caller has checked the request is
 * visible to them.
 */
export async function recordVmAddress(
  deps: CommandDeps,
  input: { principal: Principal; requestId: string; live: VmLiveStatus },
): Promise<Result<{ recorded: boolean }, DomainError>> {
  const { principal, requestId, live } = input;
  const ipAddress = live.ipAddress;
  if (ipAddress === null) return ok({ recorded: false });
  const vmId = vmIdFor(requestId);
  return handleCommand(deps.store, {
    load: () => loadVm(deps.db, vmId),
    decide: (vm): Decision<{ recorded: boolean }> => {
      const decided = decideObserveAddress(
        { type: "ObserveAddress", data: { vmId, requestId, ipAddress, hostname: live.hostname } },
        vm.state,
      );
      if (!decided.ok) return done(decided);
      const events = toNewEvents(decided.value, userCommandContext(deps, principal));
      return appendTo(vm, events, { answer: () => ({ recorded: events.length > 0 }) });
    },
  });
}
