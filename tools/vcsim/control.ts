import { z } from "zod";
import { requestJson } from "./http-json.ts";

/**
 * A fault to inject: a vim fault name (e.g. "InsufficientResourcesFault"), "http500", "drop" (close the
 * connection unanswered) or "hang" (never answer, so the client's own timeout ends the call).
 */
export interface VcsimFaultRule {
  /** SOAP method name, e.g. "CloneVM_Task" or "Login". */
  method: string;
  /** Only requests whose body contains this substring (e.g. the clone's name). */
  match?: string;
  fault: "http500" | "drop" | "hang" | (string & {});
  /** Fail this many matching calls, then behave normally (default 1). */
  count?: number;
}

export interface VcsimSettings {
  guestBootDelayMs: number;
  /** How long a guest takes to act on ShutdownGuest or RebootGuest. */
  guestShutdownDelayMs: number;
  /** After booting, how long a guest reports only link-local addresses before its real one (0: none). */
  guestLinkLocalMs: number;
  /** Per-method async task durations; setting it replaces the whole map. */
  taskDelaysMs: Record<string, number>;
}

/** What the launcher knows about one VM (GET /_gantry/vm), for verifying results without SOAP. */
export const VcsimVm = z.object({
  moref: z.string(),
  name: z.string(),
  powerState: z.string(),
  template: z.boolean(),
  numCPU: z.number().int(),
  numCoresPerSocket: z.number().int(),
  memoryMB: z.number().int(),
  guestId: z.string(),
  annotation: z.string(),
  extraConfig: z.record(z.string(), z.string()),
  disks: z.array(
    z.object({ key: z.number().int(), label: z.string(), fileName: z.string(), capacityInKB: z.number() }),
  ),
  nics: z.array(
    z.object({ key: z.number().int(), macAddress: z.string(), addressType: z.string(), network: z.string() }),
  ),
  guest: z.object({
    toolsRunningStatus: z.string(),
    toolsStatus: z.string(),
    guestState: z.string(),
    ipAddress: z.string(),
    hostName: z.string(),
  }),
  customizationPending: z.boolean(),
  cpuHotAddEnabled: z.boolean(),
  memoryHotAddEnabled: z.boolean(),
  /** depth first; `state` poweredOn only for a snapshot with memory */
  snapshots: z.array(z.object({ moref: z.string(), name: z.string(), state: z.string() })),
  folder: z.string().optional(),
  resourcePool: z.string().optional(),
  host: z.string().optional(),
});
export type VcsimVm = z.infer<typeof VcsimVm>;

/** How one VM's emulated guest treats ShutdownGuest and RebootGuest (default: it obeys, with Tools). */
export interface VcsimGuestBehaviour {
  /** accepts ShutdownGuest but never stops (so a client's fallback runs) */
  ignoresShutdown?: boolean;
  /** accepts RebootGuest but never restarts */
  ignoresReboot?: boolean;
  /** VMware Tools not installed: the guest never reports Tools, ShutdownGuest and RebootGuest fault */
  noTools?: boolean;
}

/** The launcher's control API (`/_gantry/`). Not available on an external simulator. */
export interface VcsimControl {
  /** SOAP calls received per method since start or the last reset. */
  counts(): Promise<Record<string, number>>;
  resetCounts(): Promise<void>;
  injectFault(rule: VcsimFaultRule): Promise<void>;
  clearFaults(): Promise<void>;
  /** Ends every session; clients then get NotAuthenticated and must log in again. Returns how many. */
  dropSessions(): Promise<number>;
  /** Changes the given settings (none: just reads them) and returns the settings now in force. */
  settings(update?: Partial<VcsimSettings>): Promise<VcsimSettings>;
  /** One VM by moref value or by (unique) name. */
  vm(query: { moref: string } | { name: string }): Promise<VcsimVm>;
  /** Sets how one VM's guest behaves from now on (replacing what was set before). */
  guest(query: { moref: string } | { name: string }, behaviour: VcsimGuestBehaviour): Promise<void>;
}

const Counts = z.record(z.string(), z.number().int());
const SettingsBody = z.object({
  guestBootDelayMs: z.number().int(),
  guestShutdownDelayMs: z.number().int(),
  guestLinkLocalMs: z.number().int(),
  taskDelays: z.record(z.string(), z.number().int()),
});
const Dropped = z.object({ dropped: z.number().int() });
const ErrorBody = z.object({ error: z.string() });

/** Control client for a simulator started by our launcher. */
export class LauncherControl implements VcsimControl {
  readonly #base: string;
  readonly #ca: string | undefined;

  constructor(sdkUrl: string, ca: string | undefined) {
    this.#base = new URL("/_gantry/", sdkUrl).toString();
    this.#ca = ca;
  }

  async counts(): Promise<Record<string, number>> {
    return Counts.parse(await this.#call("GET", "counts"));
  }

  async resetCounts(): Promise<void> {
    await this.#call("POST", "counts/reset");
  }

  async injectFault(rule: VcsimFaultRule): Promise<void> {
    await this.#call("POST", "faults", rule);
  }

  async clearFaults(): Promise<void> {
    await this.#call("DELETE", "faults");
  }

  async dropSessions(): Promise<number> {
    return Dropped.parse(await this.#call("POST", "sessions/drop")).dropped;
  }

  async settings(update: Partial<VcsimSettings> = {}): Promise<VcsimSettings> {
    const body = {
      ...(update.guestBootDelayMs === undefined ? {} : { guestBootDelayMs: update.guestBootDelayMs }),
      ...(update.guestLinkLocalMs === undefined ? {} : { guestLinkLocalMs: update.guestLinkLocalMs }),
      ...(update.guestShutdownDelayMs === undefined
        ? {}
        : { guestShutdownDelayMs: update.guestShutdownDelayMs }),
      ...(update.taskDelaysMs === undefined ? {} : { taskDelays: update.taskDelaysMs }),
    };
    const empty = Object.keys(body).length === 0;
    const out = SettingsBody.parse(
      await this.#call(empty ? "GET" : "POST", "settings", empty ? undefined : body),
    );
    return {
      guestBootDelayMs: out.guestBootDelayMs,
      guestShutdownDelayMs: out.guestShutdownDelayMs,
      guestLinkLocalMs: out.guestLinkLocalMs,
      taskDelaysMs: out.taskDelays,
    };
  }

  async vm(query: { moref: string } | { name: string }): Promise<VcsimVm> {
    const search = new URLSearchParams("moref" in query ? { moref: query.moref } : { name: query.name });
    return VcsimVm.parse(await this.#call("GET", `vm?${search}`));
  }

  async guest(query: { moref: string } | { name: string }, behaviour: VcsimGuestBehaviour): Promise<void> {
    await this.#call("POST", "guest", { ...query, ...behaviour });
  }

  async #call(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
    const res = await requestJson({
      method,
      url: new URL(path, this.#base).toString(),
      ...(this.#ca === undefined ? {} : { ca: this.#ca }),
      ...(body === undefined ? {} : { body }),
    });
    if (res.status !== 200) {
      const error = ErrorBody.safeParse(res.body);
      throw new Error(
        `vcsim control ${method} /_gantry/${path}: ${error.success ? error.data.error : res.status}`,
      );
    }
    return res.body;
  }
}

/** Stands in for the control API on an external simulator: every method throws. */
export class UnavailableControl implements VcsimControl {
  readonly #url: string;

  constructor(url: string) {
    this.#url = url;
  }

  counts(): Promise<Record<string, number>> {
    return this.#fail();
  }
  resetCounts(): Promise<void> {
    return this.#fail();
  }
  injectFault(): Promise<void> {
    return this.#fail();
  }
  clearFaults(): Promise<void> {
    return this.#fail();
  }
  dropSessions(): Promise<number> {
    return this.#fail();
  }
  settings(): Promise<VcsimSettings> {
    return this.#fail();
  }
  vm(): Promise<VcsimVm> {
    return this.#fail();
  }
  guest(): Promise<void> {
    return this.#fail();
  }

  #fail(): Promise<never> {
    return Promise.reject(
      new Error(
        `the vcsim control API is not available on an external simulator (VCSIM_URL=${this.#url}); ` +
          "pass { requireControl: true } to startVcsim to start our launcher instead",
      ),
    );
  }
}
