import type { InventoryReport, VmLiveStatus } from "@gantry/shared/jobs/inventory";
import type { CallError, ConnectivityCheck, VcenterTestReport } from "@gantry/shared/protocol/agent";
import type { ScannedVm } from "@gantry/shared/protocol/vm-scan";
import { err, type Result } from "@gantry/shared/result";
import type { LoadedConfig } from "./config.ts";
import { DriftCollector } from "./drift/drift-collector.ts";
import type { Handlers, JobHandler } from "./jobs/handlers.ts";
import type { ActionOptions } from "./lifecycle/action-run.ts";
import { vmActionHandlers } from "./lifecycle/vm-action-handlers.ts";
import type { Logger } from "./log.ts";
import { type ProvisionOptions, provisionVm } from "./provisioning/provision-vm.ts";
import { scanMarkedVms } from "./reconcile/marker-scan.ts";
import { createVsphereClient } from "./vsphere/client.ts";
import type { VsphereClientOptions, VsphereConfig } from "./vsphere/config.ts";
import { collectInventory } from "./vsphere/inventory.ts";
import { createRetryPolicy } from "./vsphere/retry.ts";
import type { RoundTripCounter } from "./vsphere/round-trips.ts";
import { type ConnectionCheckName, testConnection } from "./vsphere/test-connection.ts";
import { readVmStatus } from "./vsphere/vm-status.ts";

/** Everything the agent does with its vCenter: the job handler, the edge's calls, inventory. */
export interface Vcenter {
  provision: JobHandler;
  /** a handler for every VM action (`vm.*` job kinds) */
  actions: Handlers;
  /** the drift watch's view of every VM with our marker, on the shared session */
  driftCollector(): DriftCollector;
  /** Reachable, login, and (given a path) template found: one named check each, with a hint on failure. */
  testConnection(options?: { templatePath?: string }): Promise<VcenterTestReport>;
  vmStatus(vmwareId: string, signal?: AbortSignal): Promise<Result<VmLiveStatus, CallError>>;
  inventory(signal?: AbortSignal): Promise<InventoryReport>;
  /** Every VM with our marker (reconciliation), its round trips counted on `counter`. */
  scanMarkedVms(counter: RoundTripCounter, signal?: AbortSignal): Promise<ScannedVm[]>;
  /** SOAP round trips of the shared session since start, in total and per method (health endpoint). */
  roundTrips(): { total: number; byMethod: Record<string, number> };
  /** Logs out; a logout that fails is logged, never thrown. */
  close(): Promise<void>;
}

const HINTS: Record<ConnectionCheckName, string> = {
  reachable:
    "check vcenter.url, DNS, a proxy or firewall on 443, and vcenter.caFile / thumbprintSha256 for TLS",
  login: "check vcenter.username and the password file (LoadCredential=vcenter-password:...)",
  template: "check the template's inventory path and that the service account may read it",
};

/**
 * The configured vCenter: one shared client (one session) for all jobs and calls.
 * @param provisioning the agent's own limits on every job (allowlist, retry policy).
 */
export function createVcenter(
  config: VsphereConfig,
  log: Logger,
  provisioning: ProvisionOptions = {},
  actions: ActionOptions = {},
  clientOptions: VsphereClientOptions = {},
): Vcenter {
  const client = createVsphereClient(config, { ...clientOptions, log });
  return {
    provision: (job, ctx) => provisionVm(client, job, ctx, provisioning),
    actions: vmActionHandlers(client, actions),
    driftCollector: () => new DriftCollector(client, log),
    testConnection: async (options = {}) => {
      const report = await testConnection(config, { ...options, log });
      const checks: ConnectivityCheck[] = report.checks.map((c) => ({
        name: c.name,
        ok: c.ok,
        detail: c.detail.slice(0, 1000),
        ...(c.ok ? {} : { hint: HINTS[c.name] }),
      }));
      return { checks };
    },
    vmStatus: async (vmwareId, signal) => {
      const status = await readVmStatus(client, vmwareId, { signal });
      return status.ok ? status : err({ code: status.error.code, message: `no VM ${vmwareId} in vCenter` });
    },
    inventory: (signal) => collectInventory(client, { signal }),
    scanMarkedVms: (counter, signal) => scanMarkedVms(client, { counter, signal }),
    roundTrips: () => client.roundTrips.snapshot(),
    close: async () => {
      try {
        await client.close();
      } catch (error) {
        // at shutdown vCenter may be gone already (down, or the local stack's simulator stopped first):
        // the session then ends on vCenter's side when it idles out, and the agent still exits cleanly
        log.warn("vcenter logout failed; the session will expire on vCenter's side", {
          error: String(error),
        });
      }
    },
  };
}

/**
 * The config's vCenter, or null when it has none (such an agent declines provisioning jobs).
 * Every job it runs is held to the config's placement allowlist and retry policy.
 */
export function configuredVcenter(loaded: LoadedConfig, log: Logger): Vcenter | null {
  const { vcenter: vc, allowlist, retry, waits } = loaded.config;
  if (!vc || loaded.vcenterPassword === null) return null;
  const retryPolicy = createRetryPolicy({
    maxAttempts: retry.attempts,
    baseDelayMs: retry.baseMs,
    maxDelayMs: retry.capMs,
  });
  const provisioning: ProvisionOptions = {
    allowlist,
    retryPolicy,
    waits,
    networkWaitMs: waits.networkMs,
    compensationTimeoutMs: waits.cleanupMs,
  };
  return createVcenter(
    { ...vc, password: loaded.vcenterPassword },
    log,
    provisioning,
    { retryPolicy },
    {
      quietMs: waits.quietMs,
    },
  );
}
