import { cloneSpecFor } from "@gantry/agent/provisioning/clone-spec";
import { type ResolvedPlacement, resolvePlacement } from "@gantry/agent/provisioning/placement";
import { createVsphereClient, type VsphereClient } from "@gantry/agent/vsphere/client";
import { cloneVmTask } from "@gantry/agent/vsphere/methods/clone-vm-task";
import { powerOnVmTask } from "@gantry/agent/vsphere/methods/power-on-vm-task";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { resultRef, waitForTask } from "@gantry/agent/vsphere/task";
import { GUEST_PATHS, guestStateFrom } from "@gantry/agent/vsphere/vm-state";
import type { Placement, ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { VcsimHandle } from "@gantry/vcsim/handle";

/**
 * The floor: the minimal SOAP sequence for the same vCenter work (reference §4), with our own client
 * and nothing else — clone with the product's clone spec, power on, wait for tools and an IP. One
 * session reused for every VM, placement resolved once. No events, no edge, no agent.
 */
export interface Floor {
  /** round trips of the session setup: service content, login, placement lookups */
  readonly setupRoundTrips: number;
  /** Provisions one VM; resolves with its IP once the guest reports one. */
  provision(name: string): Promise<string>;
  close(): Promise<void>;
}

const S = { cpu: 2, memoryMb: 4096, diskGb: 50 };

/** The job the edge builds for an S request of acme/web, under another name. */
function floorJob(name: string, site: { placement: Placement; networkPath: string }): ProvisionVmJob {
  return {
    kind: "provision-vm",
    jobId: `job-${name}`,
    requestId: name,
    tenantSlug: "acme",
    projectSlug: "web",
    vmName: `web-${name}`,
    hostname: name,
    ...S,
    networkPath: site.networkPath,
    placement: site.placement,
    annotation: `Gantry benchmark floor VM ${name}`,
  };
}

export async function openFloor(input: {
  vcsim: VcsimHandle;
  site: { placement: Placement; networkPath: string };
}): Promise<Floor> {
  const client: VsphereClient = createVsphereClient({
    url: input.vcsim.url,
    username: input.vcsim.username,
    password: input.vcsim.password,
    ...(input.vcsim.caFile ? { caFile: input.vcsim.caFile } : {}),
  });
  const setup = new RoundTripCounter();
  await client.connect({ counter: setup });
  const placement: ResolvedPlacement = await resolvePlacement(client, floorJob("setup", input.site), setup);
  const vim = client.scope();

  return {
    setupRoundTrips: setup.total,
    async provision(name) {
      const job = floorJob(name, input.site);
      const spec = cloneSpecFor(job, placement, placement.baseFolder, { domain: "localdomain" });
      const signal = AbortSignal.timeout(120_000);
      const cloned = await waitForTask(client.waiter, await cloneVmTask(vim, placement.template, spec), {
        signal,
      });
      const vm = resultRef(cloned);
      if (vm === undefined) throw new Error(`floor clone of ${name} returned no VM`);
      await powerOnVmTask(vim, vm);
      return client.waiter.watch({
        spec: { propSet: [{ type: "VirtualMachine", paths: GUEST_PATHS }], objectSet: [{ obj: vm }] },
        signal,
        check: (state) => {
          const guest = guestStateFrom((p) => state.get(vm, p));
          return guest.toolsRunning && guest.ipAddress !== null ? guest.ipAddress : undefined;
        },
      });
    },
    close: () => client.close(),
  };
}
