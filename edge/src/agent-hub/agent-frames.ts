import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import { CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { negotiateVersion } from "@gantry/shared/protocol/version";
import { logEvent } from "../log.ts";
import { markConnected, PRESENCE_REFRESH_MS, refreshPresence } from "../tenancy/agent-registry.ts";
import { logAgentError } from "./agent-error-log.ts";
import { agentTag, attachFacts, closeSocket, type SocketFacts, sendFrame } from "./agent-sockets.ts";
import { alertOnDuplicates, refuseSecondConnection } from "./duplicate-connections.ts";
import { sendGrant } from "./grant-job.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { PartRecorded } from "./inventory-cache.ts";
import type { JobStreams } from "./job-streams.ts";
import { recordPendingOutcomes, requeueJob } from "./stop-job.ts";
import { recordObservations } from "./vm-observations.ts";

type Frame<TType extends AgentToEdge["type"]> = Extract<AgentToEdge, { type: TType }>;

/** Routes one validated frame of a socket to its handler. */
export async function handleFrame(
  hub: HubContext,
  streams: JobStreams,
  input: { ws: WebSocket; facts: SocketFacts; frame: AgentToEdge },
): Promise<void> {
  const { ws, facts, frame } = input;
  if (facts.protocol === null && frame.type !== "hello") {
    bumpCounter(hub.sql, "frames_before_hello");
    sendFrame(ws, { type: "error", code: "HELLO_REQUIRED", message: "send hello first", ref: frame.id });
    return;
  }
  switch (frame.type) {
    case "hello":
      return onHello(hub, ws, facts, frame);
    case "job.accept":
      return onAccept(hub, ws, facts, frame);
    case "job.decline":
      hub.queue.decline({ jobId: frame.jobId, agentId: facts.agentId, now: hub.now() });
      return hub.dispatch();
    case "job.release":
      return onRelease(hub, ws, facts, frame);
    case "lease.renew":
      return onRenew(hub, ws, facts, frame);
    case "job.progress":
    case "job.result":
      return streams.apply(ws, facts, frame);
    case "inventory.report":
      return onInventory(
        hub,
        ws,
        frame,
        hub.inventory.record({ ...frame, agentId: facts.agentId, now: hub.now() }),
      );
    case "inventory.part":
      return onInventory(
        hub,
        ws,
        frame,
        hub.inventory.recordPart({ ...frame, agentId: facts.agentId, now: hub.now() }),
      );
    case "vm.observed":
      return recordObservations(hub, { ws, facts, frame });
    case "scan.part":
      // not acked: the scan's call answer, sent after its last part, is what the agent waits for
      if (!hub.scans.onPart(facts, frame)) {
        bumpCounter(hub.sql, "scan_parts_unmatched");
        sendFrame(ws, { type: "error", code: "UNKNOWN_JOB", message: "no such scan", ref: frame.id });
      }
      return;
    case "call.result":
      if (!hub.calls.answer(frame.ref, facts.agentId, frame.result))
        bumpCounter(hub.sql, "call_results_unmatched");
      return;
    case "error":
      bumpCounter(hub.sql, "agent_errors");
      logAgentError({ agentId: facts.agentId, code: frame.code, message: frame.message, now: hub.now() });
      return;
  }
}

/** Acks an inventory frame, or says why its report was refused (it never replaces the current one). */
function onInventory(hub: HubContext, ws: WebSocket, frame: { id: string }, recorded: PartRecorded): void {
  if (recorded.status !== "refused") {
    if (recorded.status === "current") bumpCounter(hub.sql, "inventory_reports");
    sendFrame(ws, { type: "ack", ref: frame.id });
    return;
  }
  bumpCounter(hub.sql, "inventory_refused");
  const message = `inventory refused: ${recorded.reason}`.slice(0, 500);
  sendFrame(ws, { type: "error", code: "MALFORMED_FRAME", message, ref: frame.id });
}

/**
 * The handshake: agree on a protocol version, refuse it while another connection of the agent is live
 * (duplicate-connections.ts), make this the agent's only socket, note what it says about itself, settle
 * the jobs it still runs from before, welcome it, then offer it work.
 */
async function onHello(hub: HubContext, ws: WebSocket, facts: SocketFacts, frame: Frame<"hello">) {
  const protocol = negotiateVersion(frame.protocols);
  if (protocol === null) return refuseVersion(hub, ws, frame);
  if (refuseSecondConnection(hub, ws, facts)) return;
  supersedeOlderSockets(hub, ws, facts.agentId);
  attachFacts(ws, { ...facts, protocol, calls: frame.calls ?? null, jobs: frame.jobs ?? null });
  const now = hub.now();
  const { version } = frame.agent;
  const { capacity, draining } = frame;
  hub.roster.welcome({ agentId: facts.agentId, name: facts.name, version, capacity, draining, now });
  hub.queue.clearDeclines(facts.agentId);
  const jobs = resumeRunningJobs(hub, { agentId: facts.agentId, running: frame.running, now });
  const { leaseTtlMs, renewIntervalMs } = hub.settings;
  const { agentId, siteId } = facts;
  sendFrame(ws, { type: "welcome", protocol, agentId, siteId, leaseTtlMs, renewIntervalMs, jobs }, protocol);
  resendCancels(hub, ws, agentId);
  await writePresence(hub, { facts, now, version });
  await hub.dispatch();
  hub.scans.afterReconnect(hub, { ...facts, protocol, calls: frame.calls ?? null });
}

function refuseVersion(hub: HubContext, ws: WebSocket, frame: Frame<"hello">): void {
  bumpCounter(hub.sql, "hello_version_refused");
  sendFrame(ws, {
    type: "error",
    code: "UNSUPPORTED_VERSION",
    message: "no common protocol version",
    ref: frame.id,
  });
  closeSocket(ws, CLOSE_CODES.versionRefused, "protocol version refused");
}

/** Older connections still open here have gone quiet (half-open after a cut): the new one replaces them. */
function supersedeOlderSockets(hub: HubContext, ws: WebSocket, agentId: string): void {
  for (const other of hub.ctx.getWebSockets(agentTag(agentId))) {
    if (other !== ws) closeSocket(other, CLOSE_CODES.superseded, "superseded by a newer connection");
  }
}

/**
 * The fate of each job the agent says it still runs (its lease renewed under the same epoch, or lost),
 * and jobs the hub thinks it holds that it no longer knows of: lost with its memory, so taken back now.
 */
function resumeRunningJobs(
  hub: HubContext,
  input: { agentId: string; running: Frame<"hello">["running"]; now: number },
) {
  const { agentId, running, now } = input;
  const jobs = running.map((r) => {
    const resumed = hub.queue.renew({ ...r, agentId, now, leaseTtlMs: hub.settings.leaseTtlMs });
    const lastSeq = hub.queue.get(r.jobId)?.lastSeq ?? 0;
    return { ...r, status: resumed ? ("resumed" as const) : ("lost" as const), lastSeq };
  });
  const listed = new Set(running.map((r) => r.jobId));
  for (const job of hub.queue.heldBy(agentId)) {
    if (!listed.has(job.jobId)) requeueJob(hub, job, now);
  }
  return jobs;
}

/** The agent's presence in D1 (the agents page, /healthz); a failed write costs freshness only. */
async function writePresence(hub: HubContext, input: { facts: SocketFacts; now: number; version: string }) {
  const { facts, now, version } = input;
  try {
    hub.roster.presenceWritten(facts.agentId, now);
    await markConnected(hub.env.DB, {
      agentId: facts.agentId,
      connectionId: facts.connectionId,
      now,
      version,
    });
  } catch (error) {
    logEvent("warn", "presence not recorded", { agentId: facts.agentId, error: String(error) });
  }
}

/**
 * Refreshes the agent's D1 presence every few minutes; an agent D1 says is revoked (a revocation whose
 * hub call never arrived here) is refused from then on and its socket closed.
 */
async function keepPresenceFresh(hub: HubContext, facts: SocketFacts, now: number): Promise<void> {
  if (hub.roster.presenceFresh(facts.agentId, { now, freshMs: PRESENCE_REFRESH_MS })) return;
  hub.roster.presenceWritten(facts.agentId, now);
  try {
    const presence = await refreshPresence(hub.env.DB, {
      agentId: facts.agentId,
      connectionId: facts.connectionId,
      now,
    });
    if (!presence.revoked) return;
    logEvent("warn", "revoked agent still connected; closing it", { agentId: facts.agentId });
    hub.roster.revoke(facts.agentId);
    for (const other of hub.ctx.getWebSockets(agentTag(facts.agentId)))
      closeSocket(other, CLOSE_CODES.revoked, "agent revoked");
  } catch (error) {
    logEvent("warn", "presence not refreshed", { agentId: facts.agentId, error: String(error) });
  }
}

/** Cancel rides on every renewal answer too, so a cancel frame lost in a cut still arrives. */
function resendCancels(hub: HubContext, ws: WebSocket, agentId: string): void {
  for (const job of hub.queue.heldBy(agentId, ["leased"])) {
    if (job.cancelRequested)
      sendFrame(ws, { type: "job.cancel", jobId: job.jobId, epoch: job.epoch, reason: "requested" });
  }
}

async function onAccept(
  hub: HubContext,
  ws: WebSocket,
  facts: SocketFacts,
  frame: Frame<"job.accept">,
): Promise<void> {
  const grant = hub.queue.grant({
    jobId: frame.jobId,
    agentId: facts.agentId,
    now: hub.now(),
    leaseTtlMs: hub.settings.leaseTtlMs,
  });
  if (!grant.ok) {
    bumpCounter(hub.sql, "accepts_refused");
    sendFrame(ws, {
      type: "error",
      code: "NOT_OFFERED",
      message: `job ${frame.jobId} is not offered to you`,
      ref: frame.id,
    });
    return;
  }
  if (!(await sendGrant(hub, { ws, jobId: frame.jobId, grant: grant.value }))) {
    sendFrame(ws, {
      type: "error",
      code: "TRY_AGAIN",
      message: "could not grant the job yet",
      ref: frame.id,
    });
  }
  await hub.dispatch();
}

async function onRelease(
  hub: HubContext,
  ws: WebSocket,
  facts: SocketFacts,
  frame: Frame<"job.release">,
): Promise<void> {
  const held = hub.queue.checkLease({ jobId: frame.jobId, epoch: frame.epoch, agentId: facts.agentId });
  if (held.ok) {
    requeueJob(hub, held.value, hub.now());
    // a refused direct grant never ran: it goes to another agent, as a declined offer would
    if (frame.reason === "refused") hub.queue.refused({ jobId: frame.jobId, agentId: facts.agentId });
    await recordPendingOutcomes(hub);
    bumpCounter(hub.sql, "jobs_released");
  }
  sendFrame(ws, { type: "ack", ref: frame.id, jobId: frame.jobId });
  await hub.dispatch();
}

async function onRenew(
  hub: HubContext,
  ws: WebSocket,
  facts: SocketFacts,
  frame: Frame<"lease.renew">,
): Promise<void> {
  const now = hub.now();
  const leases = frame.leases.map((l) => ({
    ...l,
    ok: hub.queue.renew({ ...l, agentId: facts.agentId, now, leaseTtlMs: hub.settings.leaseTtlMs }),
  }));
  const refused = leases.filter((l) => !l.ok).length;
  if (refused > 0) bumpCounter(hub.sql, "renewals_refused", refused);
  hub.roster.heartbeat({ agentId: facts.agentId, capacity: frame.capacity, draining: frame.draining, now });
  hub.queue.clearDeclines(facts.agentId);
  // before the answer: the renewal that proves two copies ran at once is recorded when it is answered
  await alertOnDuplicates(hub, facts);
  sendFrame(ws, { type: "lease.renewed", ref: frame.id, leaseTtlMs: hub.settings.leaseTtlMs, leases });
  resendCancels(hub, ws, facts.agentId);
  await keepPresenceFresh(hub, facts, now);
  await hub.dispatch();
}
