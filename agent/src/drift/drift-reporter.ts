import { DRIFT_FIELDS } from "@gantry/shared/domain/vm-facts";
import { MAX_OBSERVATIONS_PER_FRAME, type VmObservation } from "@gantry/shared/protocol/agent";
import type { MarkedVm } from "./drift-collector.ts";

/** What tells two observations of a VM apart for drift: its facts drift compares, or that it is gone. */
const fingerprint = (vm: MarkedVm): string =>
  vm.kind === "gone"
    ? `gone:${vm.vmwareId}`
    : `${vm.vmwareId}|${DRIFT_FIELDS.map((f) => vm.facts[f]).join("|")}`;

/**
 * Decides what of the drift watch's view the edge must hear, and keeps it until the edge has it: every
 * change of a VM's drift facts (the newest, when several came between two sends); none while one of
 * this agent's jobs works on the VM (Gantry's own change), nor until the watch has taken in everything
 * vCenter changed up to the job's end (one full wait cycle begun after it): then what the VM is; at
 * most 100 a frame; sent again after a TRY_AGAIN or a lost connection. The edge decides what is drift,
 * against what it believes: a change and its undoing are both sent, since the edge may have believed
 * either.
 *
 * Each observation is confirmed before it goes: sent once a wait cycle begun after it ended without
 * changing it, and stamped with the start of the latest such cycle — a time at which the VM certainly
 * was so. An answer of vCenter can be older than its arrival (the simulator builds a large one over
 * seconds), and another agent's job may have changed the VM and told the edge meanwhile; the edge
 * ignores what is older than its own last word on the VM, so a stamp must never be later than the truth.
 */
export class DriftReporter {
  /** per VM (its request id): the drift facts as last observed, to tell a drift change from any other */
  readonly #last = new Map<string, string>();
  /** per VM: the newest observation the edge has not acknowledged, and the cycle that confirms it */
  readonly #pending = new Map<string, { vm: MarkedVm; confirmedBy: number }>();
  /** VMs a running job of this agent works on, with how many such jobs */
  readonly #held = new Map<string, number>();
  /** VMs whose last job ended during the watch's wait cycle n: sendable once a cycle begun after n ends */
  readonly #settling = new Map<string, number>();
  /** frames on their way: id → what they carried */
  readonly #inFlight = new Map<string, MarkedVm[]>();
  /** the latest wait cycle begun, and when; the latest ended (all of its answer taken in), and when it began */
  #started = 0;
  #startedAt: string | null = null;
  #done = 0;
  #doneStartedAt: string | null = null;

  constructor(private readonly now: () => Date = () => new Date()) {}

  get pending(): number {
    return this.#pending.size;
  }

  /** A VM as the watch sees it now; a change of its drift facts is to be sent. */
  observe(vm: MarkedVm): void {
    const now = fingerprint(vm);
    if (this.#last.get(vm.requestId) === now) return;
    this.#last.set(vm.requestId, now);
    // seen in the answer of the latest cycle: the next one confirms it
    this.#pending.set(vm.requestId, { vm, confirmedBy: this.#started + 1 });
  }

  /**
   * Whether an observation that could go now waits only for a cycle to confirm it: the watch then
   * confirms at once (a wait that does not block) instead of after its pause and a long poll.
   */
  get awaitingConfirmation(): boolean {
    for (const [requestId, p] of this.#pending)
      if (p.confirmedBy > this.#done && !this.#held.has(requestId) && !this.#settling.has(requestId))
        return true;
    return false;
  }

  /** The watch begins wait cycle `cycle` (its long poll). */
  cycleStarted(cycle: number): void {
    this.#started = cycle;
    this.#startedAt = this.now().toISOString();
  }

  /** A job starts working on the VM of `requestId`: its changes are Gantry's own until it ends. */
  hold(requestId: string): void {
    this.#held.set(requestId, (this.#held.get(requestId) ?? 0) + 1);
  }

  /** ...and ended, while the watch was in wait cycle `cycle`. */
  release(requestId: string, cycle: number): void {
    const n = (this.#held.get(requestId) ?? 1) - 1;
    if (n > 0) return void this.#held.set(requestId, n);
    this.#held.delete(requestId);
    this.#settling.set(requestId, cycle);
  }

  /** The watch finished the wait it began as cycle `cycle`: it has seen all vCenter did before that. */
  cycleDone(cycle: number): void {
    this.#done = cycle;
    if (cycle === this.#started) this.#doneStartedAt = this.#startedAt;
    for (const [requestId, released] of this.#settling)
      if (released < cycle) this.#settling.delete(requestId);
  }

  /** A new connection: whatever was on its way is lost, and the edge hears about every VM of ours again. */
  reportAll(vms: readonly MarkedVm[]): void {
    for (const batch of this.#inFlight.values()) for (const vm of batch) this.#requeue(vm);
    this.#inFlight.clear();
    // the view is as of the last answer taken in: a cycle begun after that confirms it
    const confirmedBy = this.#done >= this.#started ? this.#started + 1 : this.#started;
    for (const vm of vms) {
      this.#last.set(vm.requestId, fingerprint(vm));
      this.#pending.set(vm.requestId, { vm, confirmedBy });
    }
  }

  /** Sends what is pending and free to go, in frames of at most 100; `send` returns the frame id, or null. */
  flush(send: (observations: VmObservation[]) => string | null): void {
    const inFlight = new Set([...this.#inFlight.values()].flat().map((vm) => vm.requestId));
    const waiting = (id: string) => this.#held.has(id) || this.#settling.has(id) || inFlight.has(id);
    const at = this.#doneStartedAt;
    if (at === null) return;
    const ready = [...this.#pending.values()]
      .filter((p) => p.confirmedBy <= this.#done && !waiting(p.vm.requestId))
      .map((p) => p.vm);
    for (let i = 0; i < ready.length; i += MAX_OBSERVATIONS_PER_FRAME) {
      const batch = ready.slice(i, i + MAX_OBSERVATIONS_PER_FRAME);
      const id = send(batch.map((vm) => ({ ...vm, at })));
      if (id === null) return;
      this.#inFlight.set(id, batch);
      for (const vm of batch) this.#pending.delete(vm.requestId);
    }
  }

  /** The edge recorded a frame. */
  acked(frameId: string): boolean {
    return this.#inFlight.delete(frameId);
  }

  /** The edge could not record a frame (TRY_AGAIN): its observations go out again with the next flush. */
  refused(frameId: string): boolean {
    const batch = this.#inFlight.get(frameId);
    if (!batch) return false;
    this.#inFlight.delete(frameId);
    for (const vm of batch) this.#requeue(vm);
    return true;
  }

  // a newer observation of the same VM wins over the one being put back; the one put back was
  // confirmed already, and stays so until a newer one says otherwise
  #requeue(vm: MarkedVm): void {
    if (!this.#pending.has(vm.requestId)) this.#pending.set(vm.requestId, { vm, confirmedBy: this.#done });
  }
}
