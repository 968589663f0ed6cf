import { ReachedStage } from "@gantry/shared/events/vm";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";

export type JobState = "queued" | "offered" | "leased" | "done";

/** Why a job was stopped: an admin asked, or it ran past the site's maximum job duration. */
export type StopReason = "requested" | "timed-out";

/** One job of the site as the hub's parts see it. */
export interface Job {
  jobId: string;
  tenantId: string;
  siteId: string;
  requestId: string;
  kind: string;
  /** queued -> offered -> leased -> done; offered and leased fall back to queued on expiry */
  state: JobState;
  /** the agent it is offered to or leased by */
  agentId: string | null;
  /** fencing token: incremented on every grant, carried by every later frame of the job */
  epoch: number;
  attempt: number;
  /** the last durable frame applied */
  lastSeq: number;
  leaseExpiresAt: number | null;
  /** the agent that declined it last; skipped until it renews */
  declinedBy: string | null;
  /** an admin stopped it, or its deadline did, while an agent held it */
  cancelRequested: boolean;
  /** why it was stopped; null while it was not */
  stopReason: StopReason | null;
  /** a stopped job's agent must have reported by then, or the hub takes the job back and says so itself */
  stopDeadline: number | null;
  /** when an agent first held it: the hub's maximum job duration counts from here */
  firstGrantedAt: number | null;
  outcome: string | null;
  /** stages applied so far, in the order they arrived */
  stages: ProvisioningStage[];
  /**
   * The stages after the first the log does not hold yet, with when they were reached: the job's live
   * record, written before the frame is acked; the outcome's report carries them into the log.
   */
  stagesReached: ReachedStage[];
}

// a row of the `jobs` table (hub-storage.ts): only job-queue.ts reads and writes them
export type JobRow = {
  job_id: string;
  tenant_id: string;
  site_id: string;
  request_id: string;
  kind: string;
  spec: string;
  state: JobState;
  agent_id: string | null;
  epoch: number;
  attempt: number;
  last_seq: number;
  offer_expires_at: number | null;
  lease_expires_at: number | null;
  declined_by: string | null;
  cancel_requested: number;
  /** 1 while a stopped job's outcome is not in the D1 log yet (stop-job.ts records it) */
  outcome_pending: number;
  first_granted_at: number | null;
  stop_reason: StopReason | null;
  stop_deadline: number | null;
  outcome: string | null;
  enqueued_at: number;
  updated_at: number;
  stages: string;
  stages_reached: string;
};

const Stages = z.array(ProvisioningStage).catch([]);
const StagesReached = z.array(ReachedStage).catch([]);

export const toJob = (row: JobRow): Job => ({
  jobId: row.job_id,
  tenantId: row.tenant_id,
  siteId: row.site_id,
  requestId: row.request_id,
  kind: row.kind,
  state: row.state,
  agentId: row.agent_id,
  epoch: row.epoch,
  attempt: row.attempt,
  lastSeq: row.last_seq,
  leaseExpiresAt: row.lease_expires_at,
  declinedBy: row.declined_by,
  cancelRequested: row.cancel_requested === 1,
  stopReason: row.stop_reason,
  stopDeadline: row.stop_deadline,
  firstGrantedAt: row.first_granted_at,
  outcome: row.outcome,
  stages: Stages.parse(JSON.parse(row.stages)),
  stagesReached: StagesReached.parse(JSON.parse(row.stages_reached)),
});
