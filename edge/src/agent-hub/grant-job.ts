import { raiseLeaseFence } from "../commands/lease-fence.ts";
import { logEvent } from "../log.ts";
import { sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import type { Grant } from "./job-queue.ts";

/**
 * Sends a lease the queue just granted: after an accept (protocol < 5) or unasked (a direct grant, since 5).
 * A re-grant (epoch 2 and up) first raises the job's lease fence in D1, so a write of an earlier holder
 * still on its way can never land while the new one builds. When D1 cannot be reached the grant is taken
 * back (the job is queued again) rather than sent unfenced, and the answer is false; so is it when the
 * socket closed before the grant could be sent.
 */
export async function sendGrant(
  hub: HubContext,
  input: { ws: WebSocket; jobId: string; grant: Grant },
): Promise<boolean> {
  const { ws, jobId, grant } = input;
  if (!(await fenceEarlierHolders(hub, { jobId, epoch: grant.epoch }))) return false;
  const sent = sendFrame(ws, {
    type: "job.granted",
    jobId,
    epoch: grant.epoch,
    attempt: grant.attempt,
    leaseTtlMs: hub.settings.leaseTtlMs,
    lastSeq: grant.lastSeq,
    stages: grant.stages,
    job: grant.job,
  });
  // the socket closed meanwhile: the agent never hears of the lease, so it need not expire first
  if (sent === null) hub.queue.requeue({ jobId, epoch: grant.epoch, now: hub.now() });
  return sent !== null;
}

async function fenceEarlierHolders(hub: HubContext, input: { jobId: string; epoch: number }) {
  if (input.epoch < 2) return true;
  try {
    await raiseLeaseFence(hub.env.DB, input);
    return true;
  } catch (error) {
    logEvent("warn", "lease fence not raised; grant taken back", { ...input, error: String(error) });
    hub.queue.requeue({ jobId: input.jobId, epoch: input.epoch, now: hub.now() });
    return false;
  }
}
