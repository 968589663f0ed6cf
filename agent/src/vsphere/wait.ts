import type { Logger } from "../log.ts";
import { isFault, VsphereFault } from "./faults.ts";
import { createFilter } from "./methods/create-filter.ts";
import { createPropertyCollector } from "./methods/create-property-collector.ts";
import { destroyPropertyCollector } from "./methods/destroy-property-collector.ts";
import { destroyPropertyFilter } from "./methods/destroy-property-filter.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";
import { type UpdateSet, waitForUpdatesEx } from "./methods/wait-for-updates-ex.ts";
import type { FilterSpec } from "./property-spec.ts";
import { delay } from "./retry.ts";
import type { RoundTripCounter } from "./round-trips.ts";
import type { Session } from "./session.ts";
import { type MoRef, refKey } from "./values.ts";
import { WatchState } from "./watch-state.ts";

export interface WatchRequest<TResult> {
  readonly spec: FilterSpec;
  /** Called after each batch of updates with the state so far; a value (not undefined) ends the watch. */
  readonly check: (state: WatchState) => TResult | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Round trips made for this watch are added here too. */
  readonly counter?: RoundTripCounter | undefined;
  /**
   * Read the objects' current state once the filter exists (one more round trip), so a state reached
   * just before it was created counts: vcsim reports a new filter's objects only when something changes.
   */
  readonly seed?: boolean | undefined;
  /**
   * When the watch starts while a long poll is in flight, its start state may wait for that poll: read
   * only after `seedAfterMs` of silence instead of at once. For a wait whose end comes later anyway (a
   * clone), not for one whose first state moves a stage on (a power-on: the stepper's times would lag).
   */
  readonly patientStart?: boolean | undefined;
  /**
   * The watch fails with a `WaitTimeout` fault when it has not ended by then (ms from its start);
   * `what` names what it waited for, for the message. Without it, only the caller's signal ends it.
   */
  readonly deadline?: { readonly ms: number; readonly what: string } | undefined;
}

/** A wait passed its deadline: what vCenter was to do did not happen in time (not retried). */
export function waitTimeout(what: string, waitedMs: number): VsphereFault {
  const minutes = Math.max(1, Math.round(waitedMs / 60_000));
  return new VsphereFault({
    name: "WaitTimeout",
    message: `vCenter did not finish ${what} within ${minutes} min`,
    source: "task",
    retryable: false,
    fields: { what, waitedMs },
  });
}

interface Watcher {
  filter: MoRef;
  readonly spec: FilterSpec;
  readonly state: WatchState;
  readonly counter: RoundTripCounter | undefined;
  /** Returns true when the watcher finished. */
  readonly evaluate: () => boolean;
  readonly fail: (err: unknown) => void;
  /** An update arrived for it: the silence it measures starts again. */
  readonly heard: () => void;
}

interface Collector {
  readonly ref: MoRef;
  readonly generation: number;
}

export interface WaiterOptions {
  maxWaitSeconds: number;
  callTimeoutMs: number;
  /**
   * A watch that has heard nothing this long reads its objects once more (one RetrievePropertiesEx),
   * so an update the long poll never delivered (a filter created between two polls, on a task that
   * had already ended) cannot leave it waiting forever. Once per silence; 0 turns it off.
   */
  quietMs: number;
  /**
   * A patient watch (`patientStart`) created while a long poll is in flight reads its objects once (one
   * RetrievePropertiesEx) only when it has heard nothing this long (default 500 ms: two of vcsim's
   * ticks). vCenter sends a new filter's objects with the next update set, and vcsim with the next change
   * of any object — under load within its 250 ms tick, as other jobs' tasks and VMs change all the time
   * — so the read is rarely needed; it is there for a quiet simulator where the watched task had ended.
   */
  seedAfterMs?: number;
  log: Logger;
}

/**
 * One private PropertyCollector per session, a filter per watched task or VM, and a single
 * WaitForUpdatesEx loop that dispatches every update to its filter's watcher. Under load a single
 * long poll serves all jobs; nothing sleeps in a polling loop.
 */
export class PropertyWaiter {
  readonly #session: Session;
  readonly #options: WaiterOptions;
  readonly #watchers = new Map<string, Watcher>();
  #collector: Promise<Collector> | undefined;
  #version = "";
  #running = false;
  #inFlight: AbortController | undefined;
  #closed = false;

  constructor(session: Session, options: WaiterOptions) {
    this.#session = session;
    this.#options = options;
    // a re-login kills the collector: stop a long poll that would otherwise sit out maxWaitSeconds
    session.onRelogin(() => this.#inFlight?.abort());
  }

  /** Watch `spec` until `check` returns a value; rejects on abort, on a thrown check, or on close. */
  async watch<TResult>(request: WatchRequest<TResult>): Promise<TResult> {
    request.signal?.throwIfAborted();
    const state = new WatchState();
    let resolve: (value: TResult) => void = () => undefined;
    let reject: (reason: unknown) => void = () => undefined;
    const promise = new Promise<TResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let done = false;
    let quietTimer: ReturnType<typeof setTimeout> | undefined;
    let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(quietTimer);
      clearTimeout(deadlineTimer);
      request.signal?.removeEventListener("abort", onAbort);
      const key = refKey(watcher.filter);
      if (this.#watchers.get(key) === watcher) this.#watchers.delete(key);
      void this.#dropFilter(watcher.filter, request.counter).finally(settle);
    };
    const watcher: Watcher = {
      filter: { type: "PropertyFilter", value: "" },
      spec: request.spec,
      state,
      counter: request.counter,
      evaluate: () => {
        let result: TResult | undefined;
        try {
          result = request.check(state);
        } catch (err) {
          finish(() => reject(err));
          return true;
        }
        if (result === undefined) return false;
        finish(() => resolve(result));
        return true;
      },
      fail: (err) => finish(() => reject(err)),
      heard: () => listen(),
    };
    const onAbort = () => watcher.fail(request.signal?.reason);
    // silence is measured from the last update; when it lasts, the objects are read once more — or,
    // for a watch whose start state the poll in flight has not brought yet, read for the first time
    const listen = (first = false) => {
      clearTimeout(quietTimer);
      const ms = first ? (this.#options.seedAfterMs ?? 500) : this.#options.quietMs;
      if (done || (!first && ms <= 0)) return;
      quietTimer = setTimeout(() => {
        if (done) return;
        if (first) {
          void this.#seed(watcher).then(() => listen());
          return;
        }
        this.#options.log.info("watch heard nothing; reading its objects again", {
          quietMs: this.#options.quietMs,
          deadline: request.deadline?.what,
        });
        void this.#seed(watcher, { reread: true });
      }, ms);
      quietTimer.unref?.();
    };
    const { deadline } = request;
    if (deadline !== undefined) {
      deadlineTimer = setTimeout(() => watcher.fail(waitTimeout(deadline.what, deadline.ms)), deadline.ms);
      deadlineTimer.unref?.();
    }

    watcher.filter = await this.#createFilter(request.spec, request.counter);
    this.#watchers.set(refKey(watcher.filter), watcher);
    request.signal?.addEventListener("abort", onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    // vCenter reports a new filter's objects on the next wait, but vcsim only when some object
    // changes after the filter exists; with the loop already running (a poll in flight, or about to
    // be sent with the version it has), or when the caller asks, read the start state — a patient
    // watch only after `seedAfterMs` of silence, as the poll in flight brings it under load
    const patient = request.patientStart === true && request.seed !== true;
    if ((this.#running || request.seed === true) && !patient && !done) await this.#seed(watcher);
    if (!done) {
      listen(this.#running && patient);
      this.#ensureLoop();
    }
    return promise;
  }

  /**
   * Reads the watch's objects as they are now and checks them. A failed read fails the watch when it
   * reads its start state; a re-read after a silence is only a second chance, so its failure is logged.
   */
  async #seed(watcher: Watcher, options: { reread?: boolean } = {}): Promise<void> {
    try {
      const objects = await retrievePropertiesEx(this.#vim(watcher.counter), [watcher.spec]);
      watcher.state.applyRetrieved(objects);
      if (objects.length > 0) watcher.evaluate();
    } catch (err) {
      if (!options.reread) watcher.fail(err);
      else this.#options.log.warn("re-reading a silent watch failed", { error: String(err) });
    }
  }

  #vim(counter: RoundTripCounter | undefined) {
    const session = this.#session;
    return {
      serviceContent: () => session.serviceContent(),
      invoke: (...args: Parameters<Session["invoke"]>) =>
        session.invoke(args[0], args[1], args[2], { counter, ...args[3] }),
    };
  }

  #ensureCollector(counter?: RoundTripCounter): Promise<Collector> {
    const current = this.#collector;
    if (current !== undefined) {
      return current.then((c) => (c.generation === this.#session.generation ? c : this.#rebuild(c, counter)));
    }
    return this.#track(this.#newCollector(counter));
  }

  /** Make `next` the collector; a failed creation is forgotten so the next watch tries again. */
  #track(next: Promise<Collector>): Promise<Collector> {
    this.#collector = next;
    next.catch(() => {
      if (this.#collector === next) this.#collector = undefined;
    });
    return next;
  }

  async #newCollector(counter?: RoundTripCounter): Promise<Collector> {
    await this.#session.ensureLoggedIn({ counter });
    const generation = this.#session.generation;
    const ref = await createPropertyCollector(this.#vim(counter), { relogin: false });
    this.#version = "";
    return { ref, generation };
  }

  /** The old collector died with its session: make a new one and re-create every live filter. */
  #rebuild(stale: Collector, counter?: RoundTripCounter): Promise<Collector> {
    const next = (async () => {
      await this.#session.relogin(stale.generation, { counter });
      const fresh = await this.#newCollector(counter);
      for (const [key, watcher] of [...this.#watchers]) {
        this.#watchers.delete(key);
        watcher.filter = await createFilter(this.#vim(watcher.counter), fresh.ref, watcher.spec, {
          relogin: false,
        });
        this.#watchers.set(refKey(watcher.filter), watcher);
      }
      this.#options.log.info("vcenter property collector rebuilt", { filters: this.#watchers.size });
      return fresh;
    })();
    return this.#track(next);
  }

  async #createFilter(spec: FilterSpec, counter?: RoundTripCounter): Promise<MoRef> {
    const collector = await this.#ensureCollector(counter);
    try {
      return await createFilter(this.#vim(counter), collector.ref, spec, { relogin: false });
    } catch (err) {
      if (!collectorGone(err, collector.ref)) throw err;
      const fresh = await this.#rebuild(collector, counter);
      return createFilter(this.#vim(counter), fresh.ref, spec, { relogin: false });
    }
  }

  async #dropFilter(filter: MoRef, counter?: RoundTripCounter): Promise<void> {
    if (filter.value === "") return;
    try {
      await destroyPropertyFilter(this.#vim(counter), filter, { relogin: false });
    } catch (err) {
      // a filter of a dead session is gone already
      this.#options.log.debug("property filter not destroyed", { error: String(err) });
    }
  }

  #ensureLoop(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    // a restart keeps the last version rather than asking for the full state (""): vcsim would
    // answer "" at once but then replay the changes queued while idle in one more wake-up, and
    // round trips matter more than its 250 ms tick (measured: 10–11 vs 10–12 per VM)
    void this.#loop().finally(() => {
      this.#running = false;
      if (this.#watchers.size > 0 && !this.#closed) this.#ensureLoop();
    });
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (this.#watchers.size > 0 && !this.#closed) {
      const collector = await this.#ensureCollector().catch((err: unknown) => err);
      if (!isCollector(collector)) {
        this.#failAll(collector);
        return;
      }
      const watchers = [...this.#watchers.values()];
      // one long poll serves every waiting job, so each of their counters sees it
      for (const w of watchers) w.counter?.add("WaitForUpdatesEx");
      const controller = new AbortController();
      this.#inFlight = controller;
      try {
        const set = await waitForUpdatesEx(
          this.#vim(undefined),
          collector.ref,
          { version: this.#version, maxWaitSeconds: this.#options.maxWaitSeconds },
          {
            relogin: false,
            signal: controller.signal,
            timeoutMs: this.#options.maxWaitSeconds * 1000 + this.#options.callTimeoutMs,
          },
        );
        failures = 0;
        if (set !== undefined) this.#dispatch(set);
      } catch (err) {
        if (controller.signal.aborted || isFault(err, "RequestCanceled")) continue;
        if (isFault(err, "InvalidCollectorVersion")) {
          this.#version = "";
          continue;
        }
        if (collectorGone(err, collector.ref)) {
          await this.#rebuild(collector).catch((e: unknown) => this.#failAll(e));
          continue;
        }
        failures += 1;
        const transient = err instanceof VsphereFault && err.source === "transport" && err.retryable;
        if (failures >= 3 || !transient) {
          this.#failAll(err);
          return;
        }
        await delay(200 * failures);
      } finally {
        if (this.#inFlight === controller) this.#inFlight = undefined;
      }
    }
  }

  #dispatch(set: UpdateSet): void {
    this.#version = set.version;
    const touched = new Set<Watcher>();
    for (const f of set.filters) {
      const watcher = this.#watchers.get(refKey(f.filter));
      if (watcher === undefined) continue;
      for (const o of f.objects) watcher.state.apply(o);
      touched.add(watcher);
      watcher.heard();
    }
    // check once per batch: vcsim replays queued changes after an object's current state
    for (const w of touched) w.evaluate();
  }

  #failAll(err: unknown): void {
    for (const w of [...this.#watchers.values()]) w.fail(err);
  }

  /** Fail all watches and destroy the collector (before Logout). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#failAll(new Error("vSphere client closed"));
    this.#inFlight?.abort();
    const collector = await this.#collector?.catch(() => undefined);
    if (collector === undefined || collector.generation !== this.#session.generation) return;
    await destroyPropertyCollector(this.#vim(undefined), collector.ref, { relogin: false }).catch(
      () => undefined,
    );
  }
}

function isCollector(v: unknown): v is Collector {
  return typeof v === "object" && v !== null && "ref" in v && "generation" in v;
}

/** The collector (or the whole session) no longer exists on the server. */
function collectorGone(err: unknown, collector: MoRef): boolean {
  if (isFault(err, "NotAuthenticated")) return true;
  if (!isFault(err, "ManagedObjectNotFound")) return false;
  const obj = err.fields.obj;
  return typeof obj === "object" && obj !== null && "value" in obj && obj.value === collector.value;
}
