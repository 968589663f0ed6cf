import { type CommandDeps, createCommandDeps, type DispatchDeps } from "./commands/command-deps.ts";
import { JobDispatchError, type JobDispatcher } from "./commands/job-dispatcher.ts";
import { siteHub } from "./stubs.ts";
import { type ReadSiteInventory, withoutUplinks } from "./tenancy/site-inventory.ts";
import { createChangeFeed } from "./tenant-feed/change-feed.ts";

// The one place the edge's collaborators are built from the Worker's bindings: a Worker request
// (trpc/context.ts), the scheduled sweep (index.ts) and the AgentHub each take theirs from here.

/**
 * How jobs reach agents: the site's AgentHub, whose `enqueueJob` is idempotent by job id (the outbox
 * relays at least once).
 */
export function hubJobDispatcher(env: Pick<Env, "AGENT_HUB">): JobDispatcher {
  return {
    async dispatch(input) {
      const result = await siteHub(env, input.siteId).enqueueJob(input);
      if (!result.ok) {
        throw new JobDispatchError(`hub refused job ${input.job.jobId}: ${result.error.message}`, {
          retryable: false,
        });
      }
    },
    capabilities: (siteId) => siteHub(env, siteId).capabilities(),
  };
}

/** A Worker's commands: the log, the tenant feeds, and the hubs to hand approved jobs to. */
export function workerDeps(
  env: Env,
  options: { defer?: (work: () => Promise<unknown>) => void; clock?: () => Date } = {},
): DispatchDeps {
  return {
    ...createCommandDeps({ db: env.DB, feed: createChangeFeed(env), ...options }),
    dispatcher: hubJobDispatcher(env),
  };
}

/** The AgentHub's commands (recording what agents report): it dispatches no jobs, so it gets no dispatcher. */
export const hubDeps = (env: Env): CommandDeps =>
  createCommandDeps({ db: env.DB, feed: createChangeFeed(env) });

/** A site's cached inventory, from its hub. */
export const readSiteInventory =
  (env: Pick<Env, "AGENT_HUB">): ReadSiteInventory =>
  async (siteId) =>
    withoutUplinks(await siteHub(env, siteId).inventory());
