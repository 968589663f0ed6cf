import { z } from "zod";
import { VmFacts } from "../domain/vm-facts.ts";
import { InventoryReport, VmLiveStatus } from "../jobs/inventory.ts";
import { ProvisionedVm, ProvisioningFailure, ProvisionVmJob } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import { StepDetail, VmActionJob, VmActionOutcome, VmActionStep } from "../jobs/vm-action-job.ts";
import { InventoryPart, MAX_INVENTORY_PARTS } from "./inventory-parts.ts";
import { MAX_SCAN_PARTS, ScanPart, VmScanSummary } from "./vm-scan.ts";

// The agent ↔ edge wire protocol: one discriminated union per direction, every frame `{ v, id, type, ... }`.
// Frames that belong to a job carry its fencing `epoch`; durable job frames carry a per-job `seq`.

const FrameId = z.string().min(1).max(100);
const JobId = z.string().min(1).max(100);
const Epoch = z.number().int().min(1);
const Seq = z.number().int().min(1);
const Millis = z.number().int().min(0).max(86_400_000);
const At = z.string().datetime();

const Envelope = z.object({ v: z.number().int().min(1).max(1000), id: FrameId });

/** Job kinds the agent may be handed; closed set shared with the agent's handler registry. */
export const AgentJob = z.discriminatedUnion("kind", [ProvisionVmJob, ...VmActionJob.options]);
export type AgentJob = z.infer<typeof AgentJob>;
export type AgentJobKind = AgentJob["kind"];

/** What an agent that names no job kinds in its hello runs: those of the first protocol release. */
export const LEGACY_AGENT_JOBS: readonly AgentJobKind[] = ["provision-vm"];

/** Closed set of error codes in `error` frames, shared by both sides. */
export const AgentErrorCode = z.enum([
  "MALFORMED_FRAME",
  "UNKNOWN_TYPE",
  "UNSUPPORTED_VERSION",
  "HELLO_REQUIRED",
  "STALE_EPOCH",
  "UNKNOWN_JOB",
  "NOT_OFFERED",
  "SEQ_GAP",
  "TRY_AGAIN",
  "RATE_LIMITED",
  "INTERNAL",
]);
export type AgentErrorCode = z.infer<typeof AgentErrorCode>;

/** Why the hub takes a job back from an agent; shared with the agent, which stops the job for all of them. */
export const CancelReason = z.enum(["requested", "lease-expired", "revoked", "reassigned"]);
export type CancelReason = z.infer<typeof CancelReason>;

/** WebSocket close codes with a protocol meaning. The agent exits on the unrecoverable ones. */
export const CLOSE_CODES = {
  tooLarge: 1009,
  policy: 1008,
  revoked: 4001,
  versionRefused: 4002,
  superseded: 4009,
} as const;
export const UNRECOVERABLE_CLOSE_CODES: readonly number[] = [CLOSE_CODES.revoked, CLOSE_CODES.versionRefused];

const ErrorBody = { code: AgentErrorCode, message: z.string().max(500), ref: FrameId.optional() };

export const CallError = z.object({ code: z.string().max(60), message: z.string().max(1000) });
export type CallError = z.infer<typeof CallError>;

const outcome = <TValue extends z.ZodType>(value: TValue) =>
  z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: CallError }),
  ]);

/** One named check of `vcenter.test`, e.g. "login" or "template"; `hint` says what to fix. */
export const ConnectivityCheck = z.object({
  name: z.string().max(60),
  ok: z.boolean(),
  detail: z.string().max(1000),
  hint: z.string().max(500).optional(),
});
export type ConnectivityCheck = z.infer<typeof ConnectivityCheck>;
export const VcenterTestReport = z.object({ checks: z.array(ConnectivityCheck).max(20) });
export type VcenterTestReport = z.infer<typeof VcenterTestReport>;

/** Request/response calls the edge makes through the agent. */
export const AgentCall = z.discriminatedUnion("method", [
  z.object({ method: z.literal("vm.status"), vmwareId: z.string().min(1).max(200) }),
  /** With a template path, also checks that the template exists. */
  z.object({ method: z.literal("vcenter.test"), templatePath: z.string().min(2).max(512).optional() }),
  /** Read the inventory from vCenter now and report it (an `inventory.report` frame) before answering. */
  z.object({ method: z.literal("inventory.refresh") }),
  /** Since v4: list every VM with our marker now (`scan.part` frames under `scanId`), then answer. */
  z.object({ method: z.literal("vms.scan"), scanId: z.string().min(1).max(100) }),
]);
export type AgentCall = z.infer<typeof AgentCall>;
export type AgentCallMethod = AgentCall["method"];

/** What an agent that names no calls in its hello answers: those of the first protocol release. */
export const LEGACY_AGENT_CALLS: readonly AgentCallMethod[] = ["vm.status", "vcenter.test"];

export const InventoryRefreshed = z.object({ collectedAt: At });
export type InventoryRefreshed = z.infer<typeof InventoryRefreshed>;

export const AgentCallResult = z.discriminatedUnion("method", [
  z.object({ method: z.literal("vm.status"), outcome: outcome(VmLiveStatus) }),
  z.object({ method: z.literal("vcenter.test"), outcome: outcome(VcenterTestReport) }),
  z.object({ method: z.literal("inventory.refresh"), outcome: outcome(InventoryRefreshed) }),
  z.object({ method: z.literal("vms.scan"), outcome: outcome(VmScanSummary) }),
]);
export type AgentCallResult = z.infer<typeof AgentCallResult>;

export const StageUpdate = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("stage"), stage: ProvisioningStage, at: At }),
  /** Since v3: a step of a VM action; durable like a stage. */
  z.object({ kind: z.literal("step"), step: VmActionStep, detail: StepDetail.default({}), at: At }),
  /** Ephemeral: reuses the seq of its stage, is never acked or persisted. */
  z.object({
    kind: z.literal("percent"),
    stage: ProvisioningStage,
    percent: z.number().min(0).max(100),
    at: At,
  }),
]);
export type StageUpdate = z.infer<typeof StageUpdate>;

export const JobOutcome = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), vm: ProvisionedVm }),
  z.object({ ok: z.literal(false), failure: ProvisioningFailure }),
]);
export type JobOutcome = z.infer<typeof JobOutcome>;

/** What `job.result` carries: a provisioning outcome, or (since v3) a VM action's. */
export const JobResultOutcome = z.union([JobOutcome, VmActionOutcome]);
export type JobResultOutcome = z.infer<typeof JobResultOutcome>;

/**
 * One VM carrying our marker, as the agent's drift watch sees it in vCenter now, or gone (destroyed).
 * `requestId` is the marker's value: the edge takes it only for a VM of the agent's own tenant and site.
 */
export const VmObservation = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("seen"),
    requestId: z.string().min(1).max(100),
    vmwareId: z.string().min(1).max(200),
    facts: VmFacts,
    at: At,
  }),
  z.object({
    kind: z.literal("gone"),
    requestId: z.string().min(1).max(100),
    vmwareId: z.string().min(1).max(200),
    at: At,
  }),
]);
export type VmObservation = z.infer<typeof VmObservation>;

/** Observations per `vm.observed` frame: well inside the 64 KiB frame limit. */
export const MAX_OBSERVATIONS_PER_FRAME = 100;

const JobRef = z.object({ jobId: JobId, epoch: Epoch });

export const AgentToEdge = z.discriminatedUnion("type", [
  Envelope.extend({
    type: z.literal("hello"),
    agent: z.object({ version: z.string().max(40) }),
    /** Protocol versions this agent speaks. */
    protocols: z.array(z.number().int().min(1)).min(1).max(10),
    capacity: z.number().int().min(0).max(64),
    draining: z.boolean(),
    /** Jobs this agent is still running from an earlier connection, to resume under their epoch. */
    running: z.array(JobRef).max(64),
    /**
     * The calls it answers (none without a vCenter), so the hub asks an agent that can; absent from
     * agents older than this field, which answer LEGACY_AGENT_CALLS. Unknown names are kept as text.
     */
    calls: z.array(z.string().max(40)).max(20).optional(),
    /**
     * Since v3: the job kinds it runs (`provision-vm`, `vm.power-off`, ...), so the hub offers it only
     * those; absent from older agents, which run LEGACY_AGENT_JOBS. Unknown names are kept as text.
     */
    jobs: z.array(z.string().max(40)).max(40).optional(),
  }),
  Envelope.extend({ type: z.literal("job.accept"), jobId: JobId }),
  Envelope.extend({
    type: z.literal("job.decline"),
    jobId: JobId,
    reason: z.enum(["at-capacity", "draining", "unknown-kind"]),
  }),
  Envelope.extend({
    type: z.literal("job.release"),
    ...JobRef.shape,
    /** "refused" (since v5): a direct grant the agent cannot take (no room, draining); it never ran */
    reason: z.enum(["shutdown", "lease-lost", "handler-missing", "refused"]),
  }),
  /** Renews every listed lease; also the agent's heartbeat, sent even with no leases. */
  Envelope.extend({
    type: z.literal("lease.renew"),
    leases: z.array(JobRef).max(64),
    capacity: z.number().int().min(0).max(64),
    draining: z.boolean(),
  }),
  Envelope.extend({ type: z.literal("job.progress"), ...JobRef.shape, seq: Seq, update: StageUpdate }),
  /** Always the last durable frame of a job's stream. */
  Envelope.extend({
    type: z.literal("job.result"),
    ...JobRef.shape,
    seq: Seq,
    outcome: JobResultOutcome,
    at: At,
  }),
  Envelope.extend({ type: z.literal("inventory.report"), seq: Seq, report: InventoryReport }),
  /**
   * Protocol 2: one of `total` parts of the report `reportId`; the hub replaces the site's report only
   * once it holds every part, and orders reports by its own clock.
   */
  Envelope.extend({
    type: z.literal("inventory.part"),
    reportId: z.string().min(1).max(100),
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_INVENTORY_PARTS - 1),
    total: z.number().int().min(1).max(MAX_INVENTORY_PARTS),
    part: InventoryPart,
  }),
  /** Since v4: one of `total` parts of the reconciliation scan `scanId`, sent before the call's answer. */
  Envelope.extend({
    type: z.literal("scan.part"),
    scanId: z.string().min(1).max(100),
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_SCAN_PARTS - 1),
    total: z.number().int().min(1).max(MAX_SCAN_PARTS),
    part: ScanPart,
  }),
  Envelope.extend({ type: z.literal("call.result"), ref: FrameId, result: AgentCallResult }),
  /**
   * Since v3: VMs with our marker that vCenter shows otherwise than the agent last reported (drift
   * candidates; the edge decides), or gone. Batched; acked by `ack`, resent on TRY_AGAIN.
   */
  Envelope.extend({
    type: z.literal("vm.observed"),
    observations: z.array(VmObservation).min(1).max(MAX_OBSERVATIONS_PER_FRAME),
  }),
  Envelope.extend({ type: z.literal("error"), ...ErrorBody }),
]);
export type AgentToEdge = z.infer<typeof AgentToEdge>;

export const EdgeToAgent = z.discriminatedUnion("type", [
  Envelope.extend({
    type: z.literal("welcome"),
    protocol: z.number().int().min(1),
    agentId: z.string().max(100),
    siteId: z.string().max(100),
    leaseTtlMs: Millis,
    renewIntervalMs: Millis,
    /** The fate of each job listed in `hello.running`; `lastSeq` is the last frame the edge applied. */
    jobs: z.array(JobRef.extend({ status: z.enum(["resumed", "lost"]), lastSeq: z.number().int().min(0) })),
  }),
  Envelope.extend({
    type: z.literal("job.offer"),
    jobId: JobId,
    kind: z.string().max(40),
    attempt: z.number().int().min(1),
  }),
  /** The answer to `job.accept`; since v5 also sent unasked (a direct grant) to an agent with free capacity. */
  Envelope.extend({
    type: z.literal("job.granted"),
    ...JobRef.shape,
    attempt: z.number().int().min(1),
    leaseTtlMs: Millis,
    /** Frames up to this seq are already applied; a resumed run continues after it. */
    lastSeq: z.number().int().min(0),
    /** Stages an earlier attempt already reported; the next run does not report them again. */
    stages: z.array(ProvisioningStage).max(20),
    job: AgentJob,
  }),
  Envelope.extend({ type: z.literal("job.cancel"), ...JobRef.shape, reason: CancelReason }),
  Envelope.extend({
    type: z.literal("lease.renewed"),
    ref: FrameId,
    leaseTtlMs: Millis,
    leases: z.array(JobRef.extend({ ok: z.boolean() })).max(64),
  }),
  Envelope.extend({
    type: z.literal("ack"),
    ref: FrameId,
    jobId: JobId.optional(),
    seq: z.number().int().min(0).optional(),
  }),
  Envelope.extend({ type: z.literal("call"), call: AgentCall, timeoutMs: Millis }),
  Envelope.extend({ type: z.literal("error"), ...ErrorBody }),
]);
export type EdgeToAgent = z.infer<typeof EdgeToAgent>;

export type AgentFrameType = AgentToEdge["type"];
export type EdgeFrameType = EdgeToAgent["type"];

/** A frame body without its envelope, for builders that add `v` and `id`. */
export type FrameBody<TFrame extends { v: number; id: string }> = TFrame extends unknown
  ? Omit<TFrame, "v" | "id">
  : never;
