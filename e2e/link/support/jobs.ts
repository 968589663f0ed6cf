import { expect } from "vitest";
import type { JobStatus, LinkEdge } from "./edge-process.ts";

export const ALL_STAGES = ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK", "READY"];

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
