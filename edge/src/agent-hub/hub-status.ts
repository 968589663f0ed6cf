import type { ReachedStage } from "@gantry/shared/events/vm";
import { type AgentSlot, agentSlots, jobsOf } from "./dispatch.ts";
import type { HubContext } from "./hub-context.ts";
import { readCounters, readMeta } from "./hub-storage.ts";
import type { Job, JobState, StopReason } from "./job.ts";

/**
 * Why a job is not running yet, or why a running one is ending; plain data so the API can say it in a
 * sentence. `STOPPING`: stopped (by an admin, or by the site's maximum job duration) while its agent
 * tears down what it built, which it must report by `deadline`.
 */
export type WaitReason =
  | { code: "NO_AGENT_CONNECTED"; since: string | null }
  | { code: "AGENTS_AT_CAPACITY"; connected: number }
  | { code: "AGENTS_DRAINING"; connected: number }
  | { code: "AWAITING_ACCEPTANCE"; agentId: string }
  | { code: "STOPPING"; reason: StopReason; maxMinutes: number; deadline: string | null };

export interface HubAgentStatus {
  agentId: string;
  name: string;
  version: string | null;
  connected: boolean;
  lastSeenAt: string | null;
  capacity: number;
  draining: boolean;
  jobsInFlight: number;
  /** two live connections of this agent's credential were seen (see duplicate-connections.ts) */
  duplicateConnection: { alertAt: string; refusedAt: string; refusedFrom: string } | null;
}

export interface HubJobStatus {
  jobId: string;
  requestId: string;
  state: JobState;
  agentId: string | null;
  epoch: number;
  attempt: number;
  lastSeq: number;
  /** Stages applied, in the order they arrived. */
  stages: string[];
  /** the stages after the first the log does not hold yet, with their times (the outcome carries them) */
  stagesReached: ReachedStage[];
  outcome: string | null;
  leaseExpiresAt: string | null;
  waiting: WaitReason | null;
}

export interface HubStatus {
  agents: HubAgentStatus[];
  jobs: HubJobStatus[];
  counters: Record<string, number>;
}

export const ABSENT_SINCE = "agents_absent_since";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What every queued job's wait reason depends on: read once per status, not once per job. */
export interface WaitContext {
  slots: AgentSlot[];
  absentSince: string | null;
  maxMinutes: number;
}

export function waitContext(hub: HubContext): WaitContext {
  return {
    slots: agentSlots(hub),
    absentSince: readMeta(hub.sql, ABSENT_SINCE),
    maxMinutes: Math.round(hub.settings.jobMaxDurationMs / 60_000),
  };
}

function waitReason(job: Job, wait: WaitContext): WaitReason | null {
  if (job.state === "leased" && job.cancelRequested) {
    const reason = job.stopReason ?? "requested";
    return { code: "STOPPING", reason, maxMinutes: wait.maxMinutes, deadline: iso(job.stopDeadline) };
  }
  if (job.state === "offered" && job.agentId) return { code: "AWAITING_ACCEPTANCE", agentId: job.agentId };
  if (job.state !== "queued") return null;
  const { slots, absentSince } = wait;
  if (slots.length === 0) {
    return { code: "NO_AGENT_CONNECTED", since: absentSince === null ? null : iso(Number(absentSince)) };
  }
  if (slots.every((s) => s.draining)) return { code: "AGENTS_DRAINING", connected: slots.length };
  return { code: "AGENTS_AT_CAPACITY", connected: slots.length };
}

export function jobStatus(job: Job, wait: WaitContext): HubJobStatus {
  return {
    jobId: job.jobId,
    requestId: job.requestId,
    state: job.state,
    agentId: job.agentId,
    epoch: job.epoch,
    attempt: job.attempt,
    lastSeq: job.lastSeq,
    stages: job.stages,
    stagesReached: job.stagesReached,
    outcome: job.outcome,
    leaseExpiresAt: iso(job.leaseExpiresAt),
    waiting: waitReason(job, wait),
  };
}

export function hubStatus(hub: HubContext): HubStatus {
  const wait = waitContext(hub);
  const connected = new Set(wait.slots.map((s) => s.facts.agentId));
  const load = hub.queue.loadByAgent();
  const agents = hub.roster.listed().map((a) => ({
    agentId: a.agentId,
    name: a.name,
    version: a.version,
    connected: connected.has(a.agentId),
    lastSeenAt: iso(a.lastSeenAt),
    capacity: a.capacity,
    draining: a.draining,
    jobsInFlight: load.get(a.agentId) ?? 0,
    duplicateConnection: a.duplicateAlert
      ? {
          alertAt: new Date(a.duplicateAlert.alertAt).toISOString(),
          refusedAt: new Date(a.duplicateAlert.refusedAt).toISOString(),
          refusedFrom: a.duplicateAlert.refusedFrom,
        }
      : null,
  }));
  const jobs = hub.queue.active().map((j) => jobStatus(j, wait));
  return { agents, jobs, counters: readCounters(hub.sql) };
}

/** What the connected agents can run: the job kinds they named (or provisioning only), their versions. */
export interface HubCapabilities {
  connected: number;
  jobs: string[];
  versions: string[];
}

export function capabilitiesOf(hub: HubContext): HubCapabilities {
  const slots = agentSlots(hub);
  const versions = hub.roster.byId();
  return {
    connected: slots.length,
    jobs: [...new Set(slots.flatMap((s) => jobsOf(s.facts)))],
    versions: [...new Set(slots.flatMap((s) => versions.get(s.facts.agentId)?.version ?? []))],
  };
}
