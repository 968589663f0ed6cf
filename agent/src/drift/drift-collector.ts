import type { VmFacts } from "@gantry/shared/domain/vm-facts";
import { factsOf } from "../lifecycle/action-vm.ts";
import type { Logger } from "../log.ts";
import { MARKER_REQUEST_ID } from "../provisioning/vm-marker.ts";
import type { VsphereClient } from "../vsphere/client.ts";
import { isFault } from "../vsphere/faults.ts";
import { createContainerView } from "../vsphere/methods/create-container-view.ts";
import { createFilter } from "../vsphere/methods/create-filter.ts";
import { createPropertyCollector } from "../vsphere/methods/create-property-collector.ts";
import { destroyPropertyCollector } from "../vsphere/methods/destroy-property-collector.ts";
import { destroyView } from "../vsphere/methods/destroy-view.ts";
import { waitForUpdatesEx } from "../vsphere/methods/wait-for-updates-ex.ts";
import { type MoRef, refKey } from "../vsphere/values.ts";
import { vmStateFrom } from "../vsphere/vm-state.ts";
import { WatchState } from "../vsphere/watch-state.ts";

/**
 * What the watch reads of every VM: the facts drift is about, the marker that tells ours apart, and the
 * guest's address and name (carried along, never drift). Nothing a running guest changes on its own.
 */
export const DRIFT_PATHS = [
  "name",
  "runtime.powerState",
  "config.hardware.numCPU",
  "config.hardware.memoryMB",
  "config.hardware.device",
  "config.extraConfig",
  "guest.ipAddress",
  "guest.hostName",
] as const;

/** A VM with our marker, as vCenter shows it now, or gone. */
export type MarkedVm =
  | { kind: "seen"; requestId: string; vmwareId: string; facts: VmFacts }
  | { kind: "gone"; requestId: string; vmwareId: string };

interface Watch {
  collector: MoRef;
  view: MoRef;
  generation: number;
}

/**
 * One PropertyCollector watch over every VirtualMachine of the vCenter (a ContainerView from the root
 * folder, one filter on DRIFT_PATHS), on a private collector of its own so its long poll never wakes
 * provisioning's waiter. `next` returns the VMs with our marker that changed since the last call (all
 * of them on the first call, and again after a rebuild). Not polling: each call blocks until vCenter has
 * a change or `maxWaitSeconds` pass.
 */
export class DriftCollector {
  readonly #client: VsphereClient;
  readonly #log: Logger;
  #watch: Watch | undefined;
  #version = "";
  #state = new WatchState();
  /** the marker of every VM we have seen carry one, so a VM that leaves is known as ours */
  readonly #ours = new Map<string, string>();

  constructor(client: VsphereClient, log: Logger) {
    this.#client = client;
    this.#log = log;
  }

  /**
   * The marked VMs that changed (or are gone) since the last call; blocks until vCenter has any change
   * (`woke`: true, even if none of it was ours) or the wait ends.
   */
  async next(input: {
    maxWaitSeconds: number;
    signal: AbortSignal;
  }): Promise<{ changed: MarkedVm[]; woke: boolean }> {
    const watch = await this.#ensureWatch();
    const vim = this.#client.scope({ signal: input.signal });
    let set: Awaited<ReturnType<typeof waitForUpdatesEx>>;
    try {
      set = await waitForUpdatesEx(
        vim,
        watch.collector,
        { version: this.#version, maxWaitSeconds: input.maxWaitSeconds },
        { relogin: false, timeoutMs: input.maxWaitSeconds * 1000 + 60_000 },
      );
    } catch (error) {
      if (
        isFault(error, "NotAuthenticated") ||
        isFault(error, "ManagedObjectNotFound") ||
        isFault(error, "InvalidCollectorVersion")
      ) {
        // the session (or the collector) is gone: start over from the full state
        this.#forget();
        if (isFault(error, "NotAuthenticated")) await this.#client.session.relogin(watch.generation);
        return { changed: [], woke: true };
      }
      throw error;
    }
    if (set === undefined) return { changed: [], woke: false };
    // the first answer of a (re)built watch is the whole inventory: a VM of ours missing from it is gone
    const full = this.#version === "";
    this.#version = set.version;
    const touched = new Set<string>();
    const changed: MarkedVm[] = [];
    for (const filter of set.filters) {
      for (const update of filter.objects) {
        const key = refKey(update.obj);
        if (update.kind === "leave") {
          const requestId = this.#ours.get(key);
          this.#ours.delete(key);
          this.#state.apply(update);
          touched.delete(key);
          if (requestId !== undefined) changed.push({ kind: "gone", requestId, vmwareId: update.obj.value });
          continue;
        }
        this.#state.apply(update);
        touched.add(key);
      }
    }
    if (full) {
      for (const [key, requestId] of [...this.#ours]) {
        if (touched.has(key)) continue;
        this.#ours.delete(key);
        changed.push({ kind: "gone", requestId, vmwareId: key.slice(key.indexOf(":") + 1) });
      }
    }
    for (const key of touched) {
      const seen = this.#seen(key);
      if (seen) changed.push(seen);
    }
    return { changed, woke: true };
  }

  /** Every VM with our marker as last seen (a full report after reconnecting to the edge). */
  all(): MarkedVm[] {
    return [...this.#ours.keys()].flatMap((key) => this.#seen(key) ?? []);
  }

  #seen(key: string): MarkedVm | null {
    const [type, value] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    const ref = { type, value };
    const vm = vmStateFrom(ref, (path) => this.#state.get(ref, path));
    const requestId = vm.extraConfig.get(MARKER_REQUEST_ID);
    if (requestId === undefined || requestId === "") return null;
    this.#ours.set(key, requestId);
    return { kind: "seen", requestId, vmwareId: value, facts: factsOf(vm) };
  }

  async #ensureWatch(): Promise<Watch> {
    const session = this.#client.session;
    if (this.#watch && this.#watch.generation === session.generation) return this.#watch;
    this.#forget();
    const content = await this.#client.connect();
    const vim = this.#client.scope();
    const generation = session.generation;
    const collector = await createPropertyCollector(vim, { relogin: false });
    const view = await createContainerView(vim, {
      container: content.rootFolder,
      types: ["VirtualMachine"],
      recursive: true,
    });
    await createFilter(
      vim,
      collector,
      {
        propSet: [{ type: "VirtualMachine", paths: DRIFT_PATHS }],
        objectSet: [
          { obj: view, skip: true, selectSet: [{ type: "ContainerView", path: "view", skip: false }] },
        ],
      },
      { relogin: false },
    );
    this.#watch = { collector, view, generation };
    this.#log.info("drift watch started", { collector: collector.value });
    return this.#watch;
  }

  /** Drops what the watch knew of the server side; the next call rebuilds it and reads the full state. */
  #forget(): void {
    this.#watch = undefined;
    this.#version = "";
    this.#state = new WatchState();
  }

  /** Destroys the collector and the view (before Logout). */
  async close(): Promise<void> {
    const watch = this.#watch;
    this.#forget();
    if (!watch || watch.generation !== this.#client.session.generation) return;
    const vim = this.#client.scope({ signal: AbortSignal.timeout(5000) });
    await destroyView(vim, watch.view).catch(() => undefined);
    await destroyPropertyCollector(vim, watch.collector, { relogin: false }).catch(() => undefined);
  }
}
