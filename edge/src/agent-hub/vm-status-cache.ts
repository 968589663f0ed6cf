import type { AgentCallResult } from "@gantry/shared/protocol/agent";
import { err, type Result } from "@gantry/shared/result";
import type { CallFailure } from "./pending-calls.ts";

/** A VM's live status is served from here this long after an agent last read it from vCenter. */
export const VM_STATUS_TTL_MS = 5_000;
/** Distinct VMs whose status may be read through the site's agents at once; more wait their turn as a 429. */
export const MAX_VM_STATUS_CALLS = 8;

type Answer = Result<AgentCallResult, CallFailure>;

/**
 * The AgentHub's cache of `vm.status` answers, one entry per VM: many viewers of the same VM (a page
 * refreshing, a batch of the same query) cost one vCenter read per TTL, concurrent askers share one call,
 * and at most MAX_VM_STATUS_CALLS different VMs are asked at a time, so no burst of requests fans out
 * into an unbounded number of calls to vCenter. In memory: it is a few seconds of freshness, nothing more.
 */
export class VmStatusCache {
  readonly #answers = new Map<string, { answer: Answer; at: number }>();
  readonly #inFlight = new Map<string, Promise<Answer>>();

  async read(input: { vmwareId: string; now: number; ask: () => Promise<Answer> }): Promise<Answer> {
    const { vmwareId, now } = input;
    const cached = this.#answers.get(vmwareId);
    if (cached && now - cached.at < VM_STATUS_TTL_MS) return cached.answer;
    const pending = this.#inFlight.get(vmwareId);
    if (pending) return pending;
    if (this.#inFlight.size >= MAX_VM_STATUS_CALLS)
      return err({ code: "TOO_MANY_CALLS", limit: MAX_VM_STATUS_CALLS });
    const call = input.ask().then((answer) => {
      this.#inFlight.delete(vmwareId);
      // only what an agent answered is worth keeping; no agent, a timeout or a cut is asked again
      if (answer.ok) this.#remember(vmwareId, { answer, at: now });
      return answer;
    });
    this.#inFlight.set(vmwareId, call);
    return call;
  }

  #remember(vmwareId: string, entry: { answer: Answer; at: number }): void {
    this.#answers.delete(vmwareId);
    this.#answers.set(vmwareId, entry);
    // a site has many VMs; the oldest answers go first
    if (this.#answers.size > 1_000) {
      const oldest = this.#answers.keys().next().value;
      if (oldest !== undefined) this.#answers.delete(oldest);
    }
  }
}
