import type { DomainError } from "@gantry/shared/domain/domain-error";
import { DRIFT_FIELDS, type DriftChange } from "@gantry/shared/domain/vm-facts";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmObservation } from "@gantry/shared/protocol/agent";
import { ok, type Result } from "@gantry/shared/result";
import { believedFacts, type ManagedVm } from "./managed-vm.ts";
import { nextLeaseCheck } from "./vm-lease.ts";

/** The facts that differ between what Gantry believes and what vCenter shows; empty when none. */
export function driftBetween(
  vm: ManagedVm,
  observed: Extract<VmObservation, { kind: "seen" }>["facts"],
): DriftChange[] {
  const believed = believedFacts(vm);
  return DRIFT_FIELDS.flatMap((field) =>
    believed[field] === observed[field] ? [] : [{ field, from: believed[field], to: observed[field] }],
  );
}

/**
 * What the agent's drift watch saw means for the VM: "changed outside Gantry" when vCenter shows it
 * otherwise than Gantry left it, GONE when it was destroyed. Nothing while one of Gantry's own actions
 * runs on it (that action's outcome says what it did), nor for a VM that is not READY, nor for an
 * observation of another VM (a moref that is not this VM's). A missing (GONE) VM seen again with its own
 * moref (the reconciliation scan found it: re-registered, restored, a datastore back) is back: READY.
 * Nothing either for an observation made before Gantry last said what the VM is: with several agents
 * at a site, one may report a VM as it was while another's job was still building it, and a busy edge
 * read it only after that job's READY (agents' clocks are NTP-close; a skew under the guest's boot
 * time cannot turn the provisioning's own states into drift).
 */
export function decideObservation(observation: VmObservation, vm: ManagedVm): Result<VmEvent[], DomainError> {
  if (Date.parse(observation.at) < Date.parse(vm.settledAt)) return ok([]);
  if (vm.status === "GONE" && observation.kind === "seen" && observation.vmwareId === vm.vmwareId) {
    const { vmwareId, facts } = observation;
    // its lease is scheduled again from where it stood (a deadline passed while missing is due at once)
    const lease = vm.lease
      ? { nextCheckAt: nextLeaseCheck(vm.lease), destroyAt: vm.lease.destroyAt }
      : undefined;
    return ok([{ type: "VmReappeared", data: { vmId: vm.vmId, vmwareId, observed: facts, lease } }]);
  }
  if (vm.status !== "READY" || vm.running || observation.vmwareId !== vm.vmwareId) return ok([]);
  if (observation.kind === "gone")
    return ok([{ type: "VmGone", data: { vmId: vm.vmId, vmwareId: vm.vmwareId } }]);
  const changes = driftBetween(vm, observation.facts);
  if (changes.length === 0) return ok([]);
  return ok([{ type: "VmDriftObserved", data: { vmId: vm.vmId, changes, observed: observation.facts } }]);
}
