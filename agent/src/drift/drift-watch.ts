import type { AgentToEdge, EdgeToAgent, FrameBody } from "@gantry/shared/protocol/agent";
import { VM_ACTIONS_PROTOCOL } from "@gantry/shared/protocol/version";
import type { Logger } from "../log.ts";
import { delay } from "../vsphere/retry.ts";
import type { DriftCollector } from "./drift-collector.ts";
import { DriftReporter } from "./drift-reporter.ts";

export interface DriftSettings {
  /** after each wake-up, the watch waits this long before asking vCenter again: changes pile up meanwhile */
  minIntervalMs: number;
  /** how long one WaitForUpdatesEx may block without a change */
  maxWaitSeconds: number;
}

const RETRY_MS = [1000, 5000, 15_000, 30_000];

/**
 * Notices changes made in vCenter to Gantry's VMs behind Gantry's back and reports them to the edge
 * (`vm.observed`, protocol 3 only). One long poll at a time, at most one per `minIntervalMs`: a burst of
 * provisioning costs it one call per interval, not one per job. Jobs of this agent hold their VM while
 * they run, so Gantry's own changes are not reported as drift.
 */
export class DriftWatch {
  readonly #collector: DriftCollector;
  readonly #reporter = new DriftReporter();
  readonly #settings: DriftSettings;
  readonly #log: Logger;
  readonly #send: (body: FrameBody<AgentToEdge>) => string | null;
  #protocol = 0;
  /** counts the watch's waits: the one in flight (or next) has this number */
  #cycle = 0;
  #stop: AbortController | null = null;
  #loop: Promise<void> | null = null;

  constructor(input: {
    collector: DriftCollector;
    settings: DriftSettings;
    log: Logger;
    send: (body: FrameBody<AgentToEdge>) => string | null;
  }) {
    this.#collector = input.collector;
    this.#settings = input.settings;
    this.#log = input.log.child({ component: "drift" });
    this.#send = input.send;
  }

  start(): void {
    if (this.#loop) return;
    const stop = new AbortController();
    this.#stop = stop;
    this.#loop = this.#run(stop.signal);
  }

  async stop(): Promise<void> {
    this.#stop?.abort(new Error("agent stopping"));
    await this.#loop;
    this.#loop = null;
    await this.#collector.close();
  }

  /** A new connection: an edge that speaks protocol 3 hears about every VM of ours again. */
  welcomed(protocol: number): void {
    this.#protocol = protocol;
    this.#reporter.reportAll(this.#collector.all());
    this.#flush();
  }

  /** Acks and TRY_AGAIN errors for our frames; true when the frame was ours. */
  onFrame(frame: EdgeToAgent): boolean {
    if (frame.type === "ack") return this.#reporter.acked(frame.ref);
    if (frame.type === "error" && frame.code === "TRY_AGAIN" && frame.ref)
      return this.#reporter.refused(frame.ref);
    return false;
  }

  /** A job of this agent starts on the VM of `requestId`. */
  hold(requestId: string): void {
    this.#reporter.hold(requestId);
  }

  /** ...and ended: what it left is Gantry's; what the VM is after it, once the watch has caught up. */
  release(requestId: string): void {
    this.#reporter.release(requestId, this.#cycle);
  }

  #flush(): void {
    if (this.#protocol < VM_ACTIONS_PROTOCOL) return;
    this.#reporter.flush((observations) => this.#send({ type: "vm.observed", observations }));
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let lastConfirmed = false;
    while (!signal.aborted) {
      try {
        const cycle = ++this.#cycle;
        this.#reporter.cycleStarted(cycle);
        // a change seen in a long poll's answer is confirmed by the next answer at once: a wait that does
        // not block (the reporter sends nothing a later answer has not left as it was); once per long
        // poll, so a stream of changes still pauses between calls
        const confirming: boolean = this.#reporter.awaitingConfirmation && !lastConfirmed;
        const { changed, woke } = await this.#collector.next({
          maxWaitSeconds: confirming ? 0 : this.#settings.maxWaitSeconds,
          signal,
        });
        for (const vm of changed) this.#reporter.observe(vm);
        this.#reporter.cycleDone(cycle);
        this.#flush();
        if (failures > 0) this.#log.info("drift watch recovered", { failures });
        failures = 0;
        lastConfirmed = confirming;
        // let changes pile up on the server: the next call then takes them all at once (unless what
        // this long poll brought waits for its confirmation)
        const confirmNext = !confirming && this.#reporter.awaitingConfirmation;
        if (woke && !confirmNext) await delay(this.#settings.minIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        // one line per streak, not per attempt
        if (failures === 0) this.#log.warn("drift watch failed; retrying", { error: String(error) });
        const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000;
        failures += 1;
        await delay(wait, signal).catch(() => undefined);
      }
    }
  }
}
