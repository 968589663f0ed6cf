import { GUEST_PATHS, type GuestState, guestStateFrom } from "../vsphere/vm-state.ts";
import type { ActionRun } from "./action-run.ts";

class Budget extends Error {
  override readonly name = "Budget";
}

/**
 * Watches the VM's guest (power, tools, address) until `until` holds, or `budgetMs` passes: resolves the
 * state that satisfied it, or null after the budget. One filter on the shared collector, no polling.
 */
export async function watchGuest(
  run: ActionRun,
  until: (guest: GuestState) => boolean,
  budgetMs: number,
): Promise<GuestState | null> {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(new Budget()), budgetMs);
  try {
    return await run.client.waiter.watch({
      spec: { propSet: [{ type: "VirtualMachine", paths: GUEST_PATHS }], objectSet: [{ obj: run.vm }] },
      signal: AbortSignal.any([run.signal, budget.signal]),
      counter: run.counter,
      seed: true,
      check: (state) => {
        const guest = guestStateFrom((p) => state.get(run.vm, p));
        return until(guest) ? guest : undefined;
      },
    });
  } catch (error) {
    if (budget.signal.aborted && !run.signal.aborted) return null;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits (bounded) for the guest to be back: tools running with a usable address; never fails on it. */
export async function guestBack(run: ActionRun): Promise<void> {
  run.reach("WAITING_FOR_GUEST");
  const guest = await watchGuest(run, (g) => g.toolsRunning && g.ipAddress !== null, run.options.guestWaitMs);
  if (!guest)
    run.log.warn("the guest did not report tools and an address in time", {
      waitedMs: run.options.guestWaitMs,
    });
}
