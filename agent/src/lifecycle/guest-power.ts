import type { VmActionResult, VmRestartJob, VmShutdownGuestJob } from "@gantry/shared/jobs/vm-action-job";
import { isFault } from "../vsphere/faults.ts";
import { powerOffVmTask } from "../vsphere/methods/power-off-vm-task.ts";
import { rebootGuest } from "../vsphere/methods/reboot-guest.ts";
import { resetVmTask } from "../vsphere/methods/reset-vm-task.ts";
import { shutdownGuest } from "../vsphere/methods/shutdown-guest.ts";
import { waitForTask } from "../vsphere/task.ts";
import type { ActionRun } from "./action-run.ts";
import { ourVm } from "./action-run.ts";
import { ActionStop } from "./action-stop.ts";
import { guestBack, watchGuest } from "./guest-watch.ts";
import { resultNow } from "./power.ts";

/** A guest call (ShutdownGuest, RebootGuest): true when Tools took it, false when Tools does not run. */
async function askTools(run: ActionRun, call: typeof shutdownGuest): Promise<boolean> {
  run.ctx.assertLease();
  try {
    await call(run.vim, run.vm);
    return true;
  } catch (error) {
    if (isFault(error, "ToolsUnavailable") || isFault(error, "GuestOperationsUnavailable")) return false;
    throw error;
  }
}

async function hardPowerOff(run: ActionRun): Promise<void> {
  run.ctx.assertLease();
  try {
    await waitForTask(run.client.waiter, await powerOffVmTask(run.vim, run.vm), {
      signal: run.signal,
      counter: run.counter,
    });
  } catch (error) {
    // it stopped after all, just as the timeout passed
    if (!isFault(error, "InvalidPowerState")) throw error;
  }
}

/**
 * Graceful shutdown through VMware Tools; if the guest has not stopped after the job's timeout (or Tools
 * does not run at all), a hard power off. Each step is told to the edge, the fallback with its reason.
 */
export async function shutdownGuestAction(run: ActionRun<VmShutdownGuestJob>): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (vm.powerState === "poweredOff") return resultNow(run);
  return resultNow(run, await stopGuest(run, run.job.timeoutSeconds, vm.toolsRunning));
}

/**
 * Stops a running guest: ShutdownGuest, then a power off if it has not stopped after `timeoutSeconds`
 * (or at once when Tools does not run). Resolves a note when it had to fall back, null otherwise.
 */
export async function stopGuest(
  run: ActionRun,
  timeoutSeconds: number,
  toolsRunning = true,
): Promise<string | null> {
  const accepted = toolsRunning && (await askTools(run, shutdownGuest));
  if (accepted) {
    run.reach("SHUTTING_DOWN_GUEST", { fallbackAfterSeconds: timeoutSeconds });
    const off = await watchGuest(run, (g) => g.powerState === "poweredOff", timeoutSeconds * 1000);
    if (off) return null;
  }
  const because = accepted ? "timeout" : "tools-not-running";
  run.reach(
    "FALLING_BACK_TO_POWER_OFF",
    accepted ? { because, fallbackAfterSeconds: timeoutSeconds } : { because },
  );
  await hardPowerOff(run);
  return accepted
    ? `powered off after the guest did not shut down within ${timeoutSeconds} s`
    : "powered off: VMware Tools does not run in the guest, so it could not be shut down gracefully";
}

/**
 * Guest reboot through VMware Tools, seen as Tools going down; if that has not happened after the job's
 * timeout (or Tools does not run at all), a hard reset. Then a bounded wait for the guest to be back.
 */
export async function restartAction(run: ActionRun<VmRestartJob>): Promise<VmActionResult> {
  const vm = await ourVm(run);
  if (vm.powerState !== "poweredOn")
    throw new ActionStop({
      code: "INVALID_POWER_STATE",
      userMessage: "The VM is not running; power it on instead.",
      detail: `${run.vm.value} is ${vm.powerState}`,
    });
  const { timeoutSeconds } = run.job;
  const accepted = vm.toolsRunning && (await askTools(run, rebootGuest));
  let note: string | null = null;
  if (accepted) run.reach("REBOOTING_GUEST", { fallbackAfterSeconds: timeoutSeconds });
  const rebooting =
    accepted && (await watchGuest(run, (g) => !g.toolsRunning, timeoutSeconds * 1000)) !== null;
  if (!rebooting) {
    const because = accepted ? "timeout" : "tools-not-running";
    run.reach(
      "FALLING_BACK_TO_RESET",
      accepted ? { because, fallbackAfterSeconds: timeoutSeconds } : { because },
    );
    run.ctx.assertLease();
    await waitForTask(run.client.waiter, await resetVmTask(run.vim, run.vm), {
      signal: run.signal,
      counter: run.counter,
    });
    note = accepted
      ? `reset after the guest did not begin restarting within ${timeoutSeconds} s`
      : "reset: VMware Tools does not run in the guest, so it could not be restarted gracefully";
  }
  await guestBack(run);
  return resultNow(run, note);
}
