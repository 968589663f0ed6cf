import type { VmEvent } from "@gantry/shared/events/vm";
import { evolveVm } from "../provisioning/vm.ts";
import { withVmEvents } from "../provisioning/vm-request.ts";
import type { LoadedJobStreams } from "./load-aggregates.ts";

/** What one recorded job update appended to the VM's stream: the events, their ids and their time. */
export interface CommittedUpdate {
  vmEvents: readonly VmEvent[];
  vmEventIds: readonly string[];
  occurredAt: string;
}

/**
 * The streams as the commit left them: the same fold a fresh read would compute, without the read. A job
 * update appends to the VM's stream only; its start and outcome move the request on (and its saga not).
 */
export function afterCommit(loaded: LoadedJobStreams, update: CommittedUpdate): LoadedJobStreams {
  const state = withVmEvents(loaded.request.state, update.vmEvents);
  let vmState = loaded.vm.state;
  for (const event of update.vmEvents) vmState = evolveVm(vmState, { event, occurredAt: update.occurredAt });
  return {
    request: { ...loaded.request, state },
    vm: {
      ...loaded.vm,
      version: loaded.vm.version + update.vmEvents.length,
      state: vmState,
      eventIds: [...loaded.vm.eventIds, ...update.vmEventIds],
    },
  };
}

/**
 * The streams of the jobs a hub is running, as its own last commit for each left them, so the next
 * frame of a job decides without reading D1 first (one D1 call per update instead of two). Only a hint:
 * the commit's expected versions still guard the log, and anything but a clean commit on a cached state
 * (a conflict, a refusal, a repeat) is decided again on a fresh read. Memory only, bounded, per hub.
 */
export class JobStreamCache {
  readonly #entries = new Map<string, LoadedJobStreams>();

  constructor(private readonly limit = 500) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Removes and returns the entry: whoever takes it puts back what their commit left, or nothing. */
  take(requestId: string): LoadedJobStreams | undefined {
    const entry = this.#entries.get(requestId);
    this.#entries.delete(requestId);
    return entry;
  }

  put(requestId: string, streams: LoadedJobStreams): void {
    this.#entries.delete(requestId);
    this.#entries.set(requestId, streams);
    // Map keeps insertion order: the first key is the job that went longest without an update
    while (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
