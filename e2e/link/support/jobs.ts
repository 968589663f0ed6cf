import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { expect } from "vitest";
import type { JobStatus, LinkEdge } from "./edge-process.ts";

export const ALL_STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"];

/** A job for VCSIM's default inventory (as edge/local/seed.sql places site-acme-vcsim). */
export function linkJob(jobId: string, overrides: Partial<ProvisionVmJob> = {}): ProvisionVmJob {
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

/** The edge owns the truth about a job; its state is only observable by asking, so poll it. */
export async function waitForJob(
  edge: LinkEdge,
  siteId: string,
  jobId: string,
  until: (s: JobStatus) => boolean,
  timeoutMs = 30_000,
): Promise<JobStatus> {
  let last: JobStatus | null = null;
  await expect
    .poll(
      async () => {
        last = await edge.jobStatus(siteId, jobId);
        return last !== null && until(last);
      },
      { timeout: timeoutMs, interval: 100 },
    )
    .toBe(true);
  if (!last) throw new Error("unreachable");
  return last;
}
