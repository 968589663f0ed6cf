import { isFault } from "../vsphere/faults.ts";
import { powerOnVmTask } from "../vsphere/methods/power-on-vm-task.ts";
import { TASK_PATHS, taskSnapshot } from "../vsphere/task.ts";
import type { MoRef } from "../vsphere/values.ts";
import { GUEST_PATHS, type GuestState, guestStateFrom, type VmState } from "../vsphere/vm-state.ts";
import type { RunContext } from "./run-context.ts";

export interface NetworkOutcome {
  readonly ipAddress: string | null;
  readonly warning?: string;
}

class NetworkBudgetExpired extends Error {
  override readonly name = "NetworkBudgetExpired";
}

const ready = (g: GuestState) => g.toolsRunning && g.ipAddress !== null;

/**
 * POWERING_ON and WAITING_FOR_NETWORK with one filter on both the power-on task and the VM:
 * the task's success moves the stage on, and the same watch then waits for tools and a usable
 * address. After the budget the VM counts as provisioned without an address (and a warning).
 */
export async function powerOnAndWaitForNetwork(run: RunContext, vm: VmState): Promise<NetworkOutcome> {
  run.stages.reach("POWERING_ON");
  if (vm.powerState === "poweredOn") {
    run.stages.reach("WAITING_FOR_NETWORK");
    if (ready(vm)) return { ipAddress: vm.ipAddress };
    return waitForNetwork(run, vm.ref, undefined);
  }
  run.ctx.assertLease();
  let task: MoRef | undefined;
  try {
    task = await powerOnVmTask(run.vim, vm.ref);
  } catch (err) {
    // someone (an earlier delivery) powered it on in between: that is what we wanted
    if (!isFault(err, "InvalidPowerState")) throw err;
  }
  if (task === undefined) run.stages.reach("WAITING_FOR_NETWORK");
  return waitForNetwork(run, vm.ref, task);
}

async function waitForNetwork(
  run: RunContext,
  vm: MoRef,
  powerOnTask: MoRef | undefined,
): Promise<NetworkOutcome> {
  const budget = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const startBudget = () => {
    if (timer !== undefined) return;
    run.stages.reach("WAITING_FOR_NETWORK");
    timer = setTimeout(() => budget.abort(new NetworkBudgetExpired()), run.options.networkWaitMs);
  };
  if (powerOnTask === undefined) startBudget();
  let last: GuestState | undefined;
  try {
    const guest = await run.client.waiter.watch({
      spec: {
        propSet: [
          ...(powerOnTask ? [{ type: "Task", paths: TASK_PATHS }] : []),
          { type: "VirtualMachine", paths: GUEST_PATHS },
        ],
        objectSet: [...(powerOnTask ? [{ obj: powerOnTask }] : []), { obj: vm }],
      },
      signal: AbortSignal.any([run.ctx.signal, budget.signal]),
      counter: run.counter,
      // the power-on must end in time; the address then has the network budget, after which the VM
      // counts as ready without one
      deadline: {
        ms: run.options.waits.powerOnMs + run.options.networkWaitMs,
        what: powerOnTask ? `the power-on (${powerOnTask.value})` : "VMware Tools",
      },
      check: (state) => {
        if (powerOnTask !== undefined && timer === undefined) {
          const t = taskSnapshot(state, powerOnTask);
          if (t.state === "error" && !isFault(t.error, "InvalidPowerState")) throw t.error;
          if (t.state !== "success" && t.state !== "error") return undefined;
          startBudget();
        }
        last = guestStateFrom((p) => state.get(vm, p));
        return ready(last) ? last : undefined;
      },
    });
    return { ipAddress: guest.ipAddress };
  } catch (err) {
    if (!(budget.signal.aborted && !run.ctx.signal.aborted && err instanceof NetworkBudgetExpired)) throw err;
    const seconds = Math.round(run.options.networkWaitMs / 1000);
    run.log.warn("no guest address within the network wait budget", {
      vm: vm.value,
      toolsRunning: last?.toolsRunning,
    });
    return {
      ipAddress: null,
      warning: `The VM is running, but VMware Tools reported no IP address within ${seconds} s; it will show up in the VM's status later.`,
    };
  } finally {
    clearTimeout(timer);
  }
}
