import { siteHub } from "../agent-hub/handoff.ts";
import { JobDispatchError, type JobDispatcher } from "./job-dispatcher.ts";

/**
 * The one place that decides how jobs reach agents: the site's AgentHub Durable Object, named like
 * the hub's own routes (`siteHub`, agents/hub-handoff.ts), whose `enqueueJob` is
 * idempotent by job id.
 */
export function createJobDispatcher(env: Env): JobDispatcher {
  return {
    async dispatch(input) {
      const hub = siteHub(env, input.siteId);
      const result = await hub.enqueueJob(input);
      if (!result.ok) {
        throw new JobDispatchError(`hub refused job ${input.job.jobId}: ${result.error.message}`, {
          retryable: false,
        });
      }
    },
  };
}
