import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { expect } from "vitest";
import type { JobStatus, LinkEdge } from "./edge-process.ts";

export const ALL_STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"];

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
    memoryMb: 512,
    diskGb: 1,
    networkPath: "/DC0/network/VM Network",
    placement: {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/templates/ubuntu-22.04",
      folderPath: "/DC0/vm/gantry",
      poolPath: "/DC0/host/DC0_C0",
    },
    annotation: `link test ${jobId}`,
    ...overrides,
  };
}

/** A fake vCenter directory (see agent/src/fake-vcenter.ts) and its effect log. */
export function fakeVcenter(label: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `gantry-fakevc-${label}-`));
  const effects = () => {
    const file = path.join(dir, "effects.log");
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
  };
  return { dir, effects };
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
