import { LEGACY_AGENT_JOBS } from "@gantry/shared/protocol/agent";
import { DIRECT_GRANT_PROTOCOL, VM_ACTIONS_PROTOCOL } from "@gantry/shared/protocol/version";
import { type SocketFacts, sendFrame, welcomedSockets } from "./agent-sockets.ts";
import { sendGrant } from "./grant-job.ts";
import type { HubContext } from "./hub-context.ts";
import type { Job } from "./job.ts";
import type { Grant } from "./job-queue.ts";

export interface AgentSlot {
  ws: WebSocket;
  facts: SocketFacts;
  capacity: number;
  draining: boolean;
  load: number;
  /** when the hub last heard its hello or a renewal (hub time), null if never */
  lastSeenAt: number | null;
}

/** Connected agents with what the hub knows of their capacity and current load. */
export function agentSlots(hub: HubContext): AgentSlot[] {
  const load = hub.queue.loadByAgent();
  const seen = hub.roster.byId();
  return welcomedSockets(hub.ctx).map(({ ws, facts }) => {
    const agent = seen.get(facts.agentId);
    return {
      ws,
      facts,
      capacity: agent?.capacity ?? 0,
      draining: agent?.draining ?? false,
      load: load.get(facts.agentId) ?? 0,
      lastSeenAt: agent?.lastSeenAt ?? null,
    };
  });
}

/** The job kinds an agent runs: those it named in its hello, or provisioning only for an older one. */
export const jobsOf = (facts: SocketFacts): readonly string[] =>
  // below protocol 3 (1, or 2 with inventory in parts) an agent runs provisioning only, whatever it names
  facts.protocol !== null && facts.protocol >= VM_ACTIONS_PROTOCOL
    ? (facts.jobs ?? LEGACY_AGENT_JOBS)
    : LEGACY_AGENT_JOBS;

function pick(slots: AgentSlot[], job: Job): AgentSlot | null {
  let best: AgentSlot | null = null;
  for (const slot of slots) {
    const free = slot.capacity - slot.load;
    if (slot.draining || free <= 0 || job.declinedBy === slot.facts.agentId) continue;
    // an agent is never offered a kind it did not name (an older one could not run it)
    if (!jobsOf(slot.facts).includes(job.kind)) continue;
    if (!best || free > best.capacity - best.load) best = slot;
  }
  return best;
}

/**
 * Whether a job may go to this agent as a direct grant: it speaks protocol 5 and renewed lately. A socket
 * that went quiet may be half-open (a silent partition): it is offered the job instead, and the offer
 * comes back after the short offer timeout rather than the lease's.
 */
function grantsDirectly(hub: HubContext, slot: AgentSlot, now: number): boolean {
  const { protocol } = slot.facts;
  if (protocol === null || protocol < DIRECT_GRANT_PROTOCOL || slot.lastSeenAt === null) return false;
  return now - slot.lastSeenAt <= 2 * hub.settings.renewIntervalMs;
}

/**
 * Hands each queued job to the connected agent with the most free capacity that runs its kind: an agent
 * that takes direct grants is granted it at once (lease included, one frame), any other is offered it.
 * The queue's state changes all happen before the first await, so two dispatches never take one job.
 */
export async function dispatchQueued(hub: HubContext): Promise<void> {
  const queued = hub.queue.queued();
  const grants: { ws: WebSocket; jobId: string; grant: Grant }[] = [];
  if (queued.length > 0) {
    const slots = agentSlots(hub);
    const now = hub.now();
    const { offerTimeoutMs, leaseTtlMs } = hub.settings;
    for (const job of queued) {
      const slot = pick(slots, job);
      if (!slot) continue;
      const { agentId } = slot.facts;
      if (!hub.queue.offer({ jobId: job.jobId, agentId, now, offerTimeoutMs })) continue;
      slot.load += 1;
      if (grantsDirectly(hub, slot, now)) {
        const grant = hub.queue.grant({ jobId: job.jobId, agentId, now, leaseTtlMs });
        if (grant.ok) grants.push({ ws: slot.ws, jobId: job.jobId, grant: grant.value });
        continue;
      }
      sendFrame(slot.ws, { type: "job.offer", jobId: job.jobId, kind: job.kind, attempt: job.attempt + 1 });
    }
  }
  for (const grant of grants) await sendGrant(hub, grant);
  await armSweep(hub);
}

// a stopped job's outcome that D1 refused is written again this much later
const PENDING_OUTCOME_RETRY_MS = 30_000;

/**
 * One alarm per object: set it to the earliest deadline (an offer or lease expiring, a job reaching its
 * maximum duration, a stopped job's agent out of time), and no later than a retry of a stopped job's
 * outcome still to be written, if there is either.
 */
export async function armSweep(hub: HubContext): Promise<void> {
  const deadline = hub.queue.nextDeadline(hub.settings.jobMaxDurationMs);
  const retry = hub.queue.pendingOutcomes().length > 0 ? hub.now() + PENDING_OUTCOME_RETRY_MS : null;
  const next = deadline === null ? retry : retry === null ? deadline : Math.min(deadline, retry);
  if (next === null) return;
  const current = await hub.ctx.storage.getAlarm();
  if (current === null || current > next) await hub.ctx.storage.setAlarm(next);
}
