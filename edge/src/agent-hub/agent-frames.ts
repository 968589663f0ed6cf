import type { AgentToEdge } from "@gantry/shared/protocol/agent";
import { CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { negotiateVersion } from "@gantry/shared/protocol/version";
import { logEvent } from "../log.ts";
import { markConnected, PRESENCE_REFRESH_MS, refreshPresence } from "../tenancy/agent-registry.ts";
import { agentTag, attachFacts, closeSocket, type SocketFacts, sendFrame } from "./agent-sockets.ts";
import type { HubContext } from "./hub-context.ts";
import { bumpCounter } from "./hub-storage.ts";
import type { JobStreams } from "./job-streams.ts";
import { recordPendingOutcomes, requeueJob } from "./stop-job.ts";

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
      // a report collected earlier (a periodic check overtaken by a refresh) never replaces a newer one
      hub.sql.exec(
        `INSERT INTO inventory (id, report, agent_id, received_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET report = ?1, agent_id = ?2, received_at = ?3
         WHERE json_extract(inventory.report, '$.collectedAt') <= json_extract(?1, '$.collectedAt')`,
        JSON.stringify(frame.report),
        facts.agentId,
        hub.now(),
      );
      sendFrame(ws, { type: "ack", ref: frame.id });
      return;
    case "call.result":
      if (!hub.calls.answer(frame.ref, facts.agentId, frame.result))
        bumpCounter(hub.sql, "call_results_unmatched");
      return;
    case "error":
      bumpCounter(hub.sql, "agent_errors");
      logEvent("warn", "agent reported an error", {
        agentId: facts.agentId,
        code: frame.code,
        message: frame.message,
      });
      return;
  }
}

async function onHello(
  hub: HubContext,
  ws: WebSocket,
  facts: SocketFacts,
  frame: Frame<"hello">,
): Promise<void> {
  const protocol = negotiateVersion(frame.protocols);
  if (protocol === null) {
    bumpCounter(hub.sql, "hello_version_refused");
    sendFrame(ws, {
      type: "error",
      code: "UNSUPPORTED_VERSION",
      message: "no common protocol version",
      ref: frame.id,
    });
    closeSocket(ws, CLOSE_CODES.versionRefused, "protocol version refused");
    return;
  }
  // the newest connection of an agent wins: an older one is usually half-open after a network cut
  for (const other of hub.ctx.getWebSockets(agentTag(facts.agentId))) {
    if (other !== ws) closeSocket(other, CLOSE_CODES.superseded, "superseded by a newer connection");
  }
  attachFacts(ws, { ...facts, protocol, calls: frame.calls ?? null });
  const now = hub.now();
  hub.sql.exec(
    `INSERT INTO agents_seen (agent_id, name, version, capacity, draining, connected_at, last_seen_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
     ON CONFLICT (agent_id) DO UPDATE SET name = ?2, version = ?3, capacity = ?4, draining = ?5,
       connected_at = ?6, last_seen_at = ?6`,
    facts.agentId,
    facts.name,
    frame.agent.version,
    frame.capacity,
    frame.draining ? 1 : 0,
    now,
  );
  hub.queue.clearDeclines(facts.agentId);
  const jobs = frame.running.map((r) => {
    const resumed = hub.queue.renew({
      ...r,
      agentId: facts.agentId,
      now,
      leaseTtlMs: hub.settings.leaseTtlMs,
    });
    const lastSeq = hub.queue.get(r.jobId)?.last_seq ?? 0;
    return { ...r, status: resumed ? ("resumed" as const) : ("lost" as const), lastSeq };
  });
  // jobs held by this agent that it no longer knows of were lost with its memory: take them back now
  const listed = new Set(frame.running.map((r) => r.jobId));
  for (const row of hub.queue.heldBy(facts.agentId)) {
    if (!listed.has(row.job_id)) requeueJob(hub, row, now);
  }
  sendFrame(
    ws,
    {
      type: "welcome",
      protocol,
      agentId: facts.agentId,
      siteId: facts.siteId,
      leaseTtlMs: hub.settings.leaseTtlMs,
      renewIntervalMs: hub.settings.renewIntervalMs,
      jobs,
    },
    protocol,
  );
  resendCancels(hub, ws, facts.agentId);
  try {
    const presence = { agentId: facts.agentId, connectionId: facts.connectionId, now };
    hub.sql.exec("UPDATE agents_seen SET presence_at = ?2 WHERE agent_id = ?1", facts.agentId, now);
    await markConnected(hub.env.DB, presence, frame.agent.version);
  } catch (error) {
    logEvent("warn", "presence not recorded", { agentId: facts.agentId, error: String(error) });
  }
  await hub.dispatch();
}

async function keepPresenceFresh(hub: HubContext, facts: SocketFacts, now: number): Promise<void> {
  const seen = hub.sql
    .exec<{ presence_at: number | null }>(
      "SELECT presence_at FROM agents_seen WHERE agent_id = ?",
      facts.agentId,
    )
    .toArray()[0];
  if (seen?.presence_at && now - seen.presence_at < PRESENCE_REFRESH_MS) return;
  hub.sql.exec("UPDATE agents_seen SET presence_at = ?2 WHERE agent_id = ?1", facts.agentId, now);
  try {
    await refreshPresence(hub.env.DB, { agentId: facts.agentId, connectionId: facts.connectionId, now });
  } catch (error) {
    logEvent("warn", "presence not refreshed", { agentId: facts.agentId, error: String(error) });
  }
}

/** Cancel rides on every renewal answer too, so a cancel frame lost in a cut still arrives. */
function resendCancels(hub: HubContext, ws: WebSocket, agentId: string): void {
  for (const row of hub.queue.heldBy(agentId, ["leased"])) {
    if (row.cancel_requested === 1)
      sendFrame(ws, { type: "job.cancel", jobId: row.job_id, epoch: row.epoch, reason: "requested" });
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
  sendFrame(ws, {
    type: "job.granted",
    jobId: frame.jobId,
    epoch: grant.value.epoch,
    attempt: grant.value.attempt,
    leaseTtlMs: hub.settings.leaseTtlMs,
    lastSeq: grant.value.lastSeq,
    stages: grant.value.stages,
    job: grant.value.job,
  });
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
  hub.sql.exec(
    "UPDATE agents_seen SET capacity = ?2, draining = ?3, last_seen_at = ?4 WHERE agent_id = ?1",
    facts.agentId,
    frame.capacity,
    frame.draining ? 1 : 0,
    now,
  );
  hub.queue.clearDeclines(facts.agentId);
  sendFrame(ws, { type: "lease.renewed", ref: frame.id, leaseTtlMs: hub.settings.leaseTtlMs, leases });
  resendCancels(hub, ws, facts.agentId);
  await keepPresenceFresh(hub, facts, now);
  await hub.dispatch();
}
