import { z } from "zod";
import type { BenchAgent } from "./bench-agent.ts";
import { sleep } from "./concurrency.ts";
import type { EdgeClient } from "./edge-client.ts";

const HubJobs = z.object({ jobs: z.array(z.object({ jobId: z.string(), state: z.string() })) });

/** Jobs of the site the hub has not finished (queued, offered or leased). */
export async function unfinishedJobs(client: EdgeClient, siteId: string): Promise<number> {
  return (await client.dev("GET", `/agent/dev/sites/${siteId}/status`, HubJobs)).jobs.length;
}

/** Refuses to measure on a site that still has another scenario's jobs: a real agent would run them. */
export async function assertSiteIdle(client: EdgeClient, siteId: string): Promise<void> {
  const left = await unfinishedJobs(client, siteId);
  if (left > 0) throw new Error(`site ${siteId} still has ${left} unfinished jobs from an earlier scenario`);
}

/**
 * Ends every job still open at the site with an immediate success, through the bench agents, so a
 * failed run leaves nothing for the next scenario. Returns how many jobs it had to end.
 */
export async function drainSite(client: EdgeClient, agents: readonly BenchAgent[], siteId: string) {
  if ((await unfinishedJobs(client, siteId)) === 0) return 0;
  for (const agent of agents) agent.stop();
  let drained = 0;
  await Promise.all(
    agents.map((agent) =>
      agent.start((grant) => {
        drained += 1;
        const { jobId, vmName, hostname } = grant.job;
        void agent.turn().then(() => agent.sendSucceeded(jobId, { vmName, hostname }));
      }),
    ),
  );
  for (let i = 0; i < 240 && (await unfinishedJobs(client, siteId)) > 0; i++) await sleep(500);
  for (const agent of agents) agent.stop();
  return drained;
}
