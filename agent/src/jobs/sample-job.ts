import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";

/**
 * A job for VCSIM's default inventory (as edge/local/seed.sql places site-acme-vcsim): the job the unit
 * tests here hand around, and the one e2e/link sends through a real edge to an agent against VCSIM.
 */
export function sampleJob(jobId: string, overrides: Partial<ProvisionVmJob> = {}): ProvisionVmJob {
  return {
    kind: "provision-vm",
    jobId,
    requestId: `req-${jobId}`,
    tenantSlug: "acme",
    projectSlug: "web",
    vmName: `web-${jobId}`,
    hostname: jobId,
    cpu: 1,
    memoryMb: 1024,
    diskGb: 20,
    networkPath: "/DC0/network/DC0_DVPG0",
    placement: {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0/Resources",
      datastorePath: "/DC0/datastore/LocalDS_0",
    },
    annotation: `link test ${jobId}`,
    ...overrides,
  };
}
