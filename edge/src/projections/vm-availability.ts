import type { VmActionAvailability } from "@gantry/shared/api/vms";
import { VM_ACTION_KINDS } from "@gantry/shared/domain/vm-actions";
import { VM_ACTIONS_MIN_AGENT_VERSION } from "@gantry/shared/jobs/vm-action-job";
import { jobKindOf } from "../provisioning/build-action-job.ts";
import type { ManagedVm } from "../provisioning/managed-vm.ts";
import { refusalFor } from "../provisioning/vm-action-decider.ts";
import { vmRefusalMessage } from "../provisioning/vm-refusals.ts";

/** What the site's connected agents can run (see JobDispatcher.capabilities). */
export interface AgentAbility {
  connected: number;
  jobs: readonly string[];
}

/**
 * Each action with whether it can be asked for now and, if not, why: the rule the command applies
 * (refusalFor), then whether a connected agent of the site runs it (else which version would).
 */
export function vmActionAvailability(
  vm: ManagedVm,
  input: { snapshotCap: number; agents: AgentAbility; siteName: string },
): VmActionAvailability[] {
  return VM_ACTION_KINDS.map((kind) => {
    const refusal = refusalFor(vm, kind, input.snapshotCap);
    if (refusal) return { kind, available: false, reason: vmRefusalMessage(refusal) };
    // deleting a VM already gone from vCenter needs no agent
    const needsAgent = !(vm.status === "GONE" && kind === "delete");
    if (needsAgent && !input.agents.jobs.includes(jobKindOf(kind))) {
      const reason = vmRefusalMessage({
        code: "NO_AGENT_CAN_RUN",
        kind,
        siteName: input.siteName,
        connected: input.agents.connected,
        minVersion: VM_ACTIONS_MIN_AGENT_VERSION,
      });
      return { kind, available: false, reason };
    }
    return { kind, available: true, reason: null };
  });
}
