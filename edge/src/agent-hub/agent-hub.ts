import { DurableObject } from "cloudflare:workers";
import type { ScanFigures, ScanTrigger } from "@gantry/shared/domain/reconciliation";
import { type AgentCallResult, AgentJob, type AgentToEdge, CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { parseAgentFrame } from "@gantry/shared/protocol/agent-parse";
import { MAX_AGENT_FRAME_BYTES } from "@gantry/shared/protocol/version";
import { err, ok, type Result } from "@gantry/shared/result";
import { logEvent } from "../log.ts";
import { markDisconnected } from "../tenancy/agent-registry.ts";
import type { SiteInventory } from "../tenancy/site-inventory.ts";
import { callAgent } from "./agent-calls.ts";
import { handleFrame } from "./agent-frames.ts";
import { AgentRoster } from "./agent-roster.ts";
import {
  agentTag,
  attachFacts,
  closeSocket,
  factsOf,
  type SocketFacts,
  sendFrame,
  welcomedSockets,
} from "./agent-sockets.ts";
import { agentSlots, dispatchQueued } from "./dispatch.ts";
import { readHandoff } from "./handoff.ts";
import type { HubContext } from "./hub-context.ts";
import { readHubSettings } from "./hub-settings.ts";
import {
  ABSENT_SINCE,
  capabilitiesOf,
  type HubCapabilities,
  type HubJobStatus,
  type HubStatus,
  hubStatus,
  jobStatus,
  type WaitReason,
  waitContext,
} from "./hub-status.ts";
import { bumpCounter, migrateHubStorage, writeMeta } from "./hub-storage.ts";
import { InventoryCache } from "./inventory-cache.ts";
import type { Job } from "./job.ts";
import { JobQueue } from "./job-queue.ts";
import { createJobReportSink } from "./job-reports.ts";
import { JobStreams } from "./job-streams.ts";
import { type CallFailure, type CallRequest, PendingCalls } from "./pending-calls.ts";
import { SiteAnnouncer } from "./site-announcer.ts";
import { type ScanFailure, SiteScans, scannerOf } from "./site-scan.ts";
import {
  closeSilentSockets,
  FrameRateLimit,
  frameRateFor,
  HELLO_DEADLINE_MS,
  MALFORMED_RATE,
  refuseFlood,
  refuseGarbage,
} from "./socket-guards.ts";
import {
  recordPendingOutcomes,
  requeueJob,
  type StopOutcome,
  stopJob,
  takeBackUnansweredStops,
  timeOutOverdueJobs,
} from "./stop-job.ts";
import { VmStatusCache } from "./vm-status-cache.ts";

/**
 * Responsibilities: one object per tenant site (`site:<siteId>`). Holds the site's agent sockets
 * (hibernatable; identity in attachments), the job queue and leases in SQLite, the sweep alarm that
 * takes back expired offers and leases, the latest inventory report, and request/response calls
 * through an agent; tells the tenant's admins (TenantFeed) when what the agents page shows changed.
 * Never throws out of a socket handler: a bad frame costs an error frame.
 */
export class AgentHub extends DurableObject<Env> {
  private readonly hub: HubContext;
  private readonly streams: JobStreams;
  private readonly rateLimit = new FrameRateLimit();
  private readonly malformed = new FrameRateLimit(MALFORMED_RATE);
  private readonly announcer: SiteAnnouncer;
  private readonly vmStatuses = new VmStatusCache();
  private readonly scans = new SiteScans();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const { sql } = ctx.storage;
    this.hub = {
      ctx,
      env,
      sql,
      queue: new JobQueue(sql),
      roster: new AgentRoster(sql),
      inventory: new InventoryCache(sql),
      settings: readHubSettings(env),
      sink: createJobReportSink(env),
      calls: new PendingCalls(),
      scans: this.scans,
      now: () => Date.now(),
      dispatch: async () => {
        await dispatchQueued(this.hub);
        // every change the agents page shows ends in a dispatch: tell the tenant's admins, if it changed
        this.announcer.check();
      },
    };
    this.announcer = new SiteAnnouncer(this.hub);
    this.streams = new JobStreams(this.hub);
    // answered by the runtime without waking the object; proves the path, renews nothing
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => migrateHubStorage(ctx.storage.sql));
  }

  /** Only for the WebSocket upgrade the Worker forwards after authenticating the agent. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket")
      return new Response("expected a WebSocket upgrade", { status: 426 });
    const who = readHandoff(request);
    if (!who) return new Response("missing agent identity", { status: 400 });
    if (this.hub.roster.isRevoked(who.agentId)) return new Response("agent revoked", { status: 401 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const facts: SocketFacts = {
      ...who,
      connectionId: crypto.randomUUID(),
      connectedAt: this.hub.now(),
      protocol: null,
      calls: null,
      jobs: null,
    };
    this.ctx.acceptWebSocket(server, [agentTag(who.agentId)]);
    attachFacts(server, facts);
    writeMeta(this.hub.sql, "site_id", who.siteId);
    writeMeta(this.hub.sql, "tenant_id", who.tenantId);
    await this.armAt(facts.connectedAt + HELLO_DEADLINE_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      const facts = factsOf(ws);
      if (!facts) return closeSocket(ws, 1011, "socket without identity");
      if (!this.rateLimit.take(facts.connectionId, this.hub.now())) return refuseFlood(this.hub, ws);
      // a revocation bites on every frame, not only on connect: a socket its close missed goes now
      if (this.hub.roster.isRevoked(facts.agentId))
        return closeSocket(ws, CLOSE_CODES.revoked, "agent revoked");
      const frame = this.readFrame(ws, message);
      // an agent that runs more jobs at once sends more frames: its allowance follows what it says
      if (frame?.type === "hello" || frame?.type === "lease.renew")
        this.rateLimit.setRate(facts.connectionId, frameRateFor(frame.capacity));
      if (frame) await handleFrame(this.hub, this.streams, { ws, facts, frame });
      else if (!this.malformed.take(facts.connectionId, this.hub.now())) refuseGarbage(this.hub, ws);
    } catch (error) {
      // a bug must cost one frame, never the object and every other agent's socket
      bumpCounter(this.hub.sql, "frames_failed");
      logEvent("error", "frame handling failed", { error: String(error) });
      sendFrame(ws, { type: "error", code: "INTERNAL", message: "the hub could not handle that frame" });
    }
  }

  /** Parses one message; anything but a valid frame is answered (an error frame, or 1009) and null. */
  private readFrame(ws: WebSocket, message: string | ArrayBuffer): AgentToEdge | null {
    if (typeof message !== "string") {
      if (message.byteLength > MAX_AGENT_FRAME_BYTES) this.tooLarge(ws);
      else {
        bumpCounter(this.hub.sql, "frames_malformed");
        sendFrame(ws, {
          type: "error",
          code: "MALFORMED_FRAME",
          message: "binary frames are not part of the protocol",
        });
      }
      return null;
    }
    const parsed = parseAgentFrame(message);
    if (parsed.ok) return parsed.value;
    const problem = parsed.error;
    if (problem.code === "TOO_LARGE") {
      this.tooLarge(ws);
      return null;
    }
    const unknown = problem.code === "UNKNOWN_TYPE";
    bumpCounter(this.hub.sql, unknown ? "frames_unknown_type" : "frames_malformed");
    const text = unknown ? `unknown frame type ${problem.type.slice(0, 60)}` : problem.message;
    sendFrame(ws, { type: "error", code: problem.code, message: text, ref: problem.ref });
    return null;
  }

  private tooLarge(ws: WebSocket): void {
    bumpCounter(this.hub.sql, "frames_oversized");
    closeSocket(ws, CLOSE_CODES.tooLarge, "frame exceeds 64 KiB");
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // answer the agent's close frame, or it waits for its close timeout and sees 1006
    closeSocket(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
    try {
      await this.onDisconnect(ws);
    } catch (error) {
      logEvent("error", "disconnect handling failed", { error: String(error) });
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, "socket error");
  }

  private async onDisconnect(ws: WebSocket): Promise<void> {
    const facts = factsOf(ws);
    if (facts) {
      this.rateLimit.forget(facts.connectionId);
      this.malformed.forget(facts.connectionId);
    }
    // a socket that never said hello (e.g. `gantry-agent doctor`) was never present
    if (!facts || facts.protocol === null) return;
    const now = this.hub.now();
    const others = welcomedSockets(this.ctx).filter((s) => s.ws !== ws);
    if (!others.some((s) => s.facts.agentId === facts.agentId)) {
      this.hub.calls.dropAgent(facts.agentId);
      // unanswered offers go to someone else now; leases wait for the agent to come back until they expire
      for (const job of this.hub.queue.heldBy(facts.agentId, ["offered"])) {
        this.hub.queue.requeue({ jobId: job.jobId, epoch: job.epoch, now });
      }
      this.hub.roster.lastSeen(facts.agentId, now);
    }
    if (others.length === 0) writeMeta(this.hub.sql, ABSENT_SINCE, String(now));
    try {
      await markDisconnected(this.env.DB, { agentId: facts.agentId, connectionId: facts.connectionId, now });
    } catch (error) {
      logEvent("warn", "presence not recorded", { agentId: facts.agentId, error: String(error) });
    }
    await this.hub.dispatch();
  }

  /** Takes back expired offers and leases by hub time. Idempotent: a second run finds nothing expired. */
  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    try {
      const now = this.hub.now();
      this.takeBackExpired(now);
      // every job has a deadline: past it, it is stopped; a stop its agent leaves unanswered is taken back
      await timeOutOverdueJobs(this.hub);
      takeBackUnansweredStops(this.hub);
      // stopped jobs no agent will report on, including earlier writes that failed
      await recordPendingOutcomes(this.hub);
      await this.hub.dispatch();
      const helloDeadline = closeSilentSockets(this.hub, now);
      if (helloDeadline !== null) await this.armAt(helloDeadline);
    } catch (error) {
      // alarms retry at most six times; re-arm before the last so the sweep never dies
      if ((info?.retryCount ?? 0) >= 5) {
        logEvent("error", "lease sweep failing; re-armed", { error: String(error) });
        await this.ctx.storage.setAlarm(Date.now() + 30_000);
        return;
      }
      throw error;
    }
  }

  /** Expired offers go back to the queue; an expired lease also tells its agent, if still connected, to stop. */
  private takeBackExpired(now: number): void {
    for (const job of this.hub.queue.expired(now)) {
      if (!requeueJob(this.hub, job, now, { expiredBy: now })) continue;
      if (job.state !== "leased" || !job.agentId) {
        bumpCounter(this.hub.sql, "offers_expired");
        continue;
      }
      this.leaseExpired(job, job.agentId);
    }
  }

  private leaseExpired(job: Job, agentId: string): void {
    bumpCounter(this.hub.sql, "leases_expired");
    logEvent("warn", "lease expired", { jobId: job.jobId, agentId, epoch: job.epoch });
    for (const s of welcomedSockets(this.ctx, agentId)) {
      sendFrame(s.ws, { type: "job.cancel", jobId: job.jobId, epoch: job.epoch, reason: "lease-expired" });
    }
  }

  private async armAt(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** Queues a job for the site, idempotent by job id, and offers it at once if an agent has room. */
  async enqueueJob(input: {
    tenantId: string;
    siteId: string;
    job: AgentJob;
  }): Promise<
    Result<
      { status: "queued" | "duplicate"; waiting: WaitReason | null },
      { code: "INVALID_JOB"; message: string }
    >
  > {
    const job = AgentJob.safeParse(input.job);
    if (!job.success) return err({ code: "INVALID_JOB", message: job.error.message.slice(0, 500) });
    const status = this.hub.queue.enqueue({
      tenantId: input.tenantId,
      siteId: input.siteId,
      job: job.data,
      now: this.hub.now(),
    });
    writeMeta(this.hub.sql, "site_id", input.siteId);
    writeMeta(this.hub.sql, "tenant_id", input.tenantId);
    await this.hub.dispatch();
    const queued = this.hub.queue.get(job.data.jobId);
    return ok({ status, waiting: queued ? jobStatus(queued, waitContext(this.hub)).waiting : null });
  }

  /** An admin's stop: a job not started ends here with its outcome recorded; a running one is told to stop. */
  async stopJob(input: {
    jobId: string;
    tenantId: string;
    siteId: string;
    requestId: string;
    kind?: string;
  }): Promise<{
    stop: StopOutcome;
  }> {
    const stop = await stopJob(this.hub, input);
    await this.hub.dispatch();
    return { stop };
  }

  /** Closes the agent's sockets at once, refuses it from now on and puts its jobs back in the queue. */
  async revokeAgent(agentId: string): Promise<{ requeued: number }> {
    const now = this.hub.now();
    this.hub.roster.revoke(agentId);
    for (const ws of this.ctx.getWebSockets(agentTag(agentId)))
      closeSocket(ws, CLOSE_CODES.revoked, "agent revoked");
    let requeued = 0;
    for (const job of this.hub.queue.heldBy(agentId)) {
      if (requeueJob(this.hub, job, now)) requeued += 1;
    }
    await recordPendingOutcomes(this.hub);
    this.hub.calls.dropAgent(agentId);
    await this.hub.dispatch();
    return { requeued };
  }

  async status(): Promise<HubStatus> {
    return hubStatus(this.hub);
  }

  /** One job's state and, when it waits, why. */
  async jobStatus(jobId: string): Promise<HubJobStatus | null> {
    const job = this.hub.queue.get(jobId);
    return job ? jobStatus(job, waitContext(this.hub)) : null;
  }

  async connectedAgents(): Promise<number> {
    return agentSlots(this.hub).length;
  }

  /** What the connected agents can run: the job kinds they named (or provisioning only), their versions. */
  async capabilities(): Promise<HubCapabilities> {
    return capabilitiesOf(this.hub);
  }

  /** The latest inventory an agent of this site reported, if any. */
  async inventory(): Promise<SiteInventory | null> {
    return this.hub.inventory.latest();
  }

  /**
   * A VM's live power state, tools, IP and hostname: from the last few seconds' answer, else asked of an
   * agent, with concurrent askers sharing one call and a bound on how many VMs are asked at once.
   */
  async vmStatus(vmwareId: string): Promise<Result<AgentCallResult, CallFailure>> {
    return this.vmStatuses.read({
      vmwareId,
      now: this.hub.now(),
      ask: () => this.callAgent({ call: { method: "vm.status", vmwareId } }),
    });
  }

  /**
   * A reconciliation scan of the site now (or the one running): an agent lists the VMs with our marker,
   * the edge compares and records. NO_AGENT_CONNECTED / AGENT_TOO_OLD when no agent here can scan.
   */
  async scanSite(
    trigger: ScanTrigger,
    requestedBy: { id: string; name: string } | null = null,
  ): Promise<Result<ScanFigures, ScanFailure>> {
    return this.scans.scan(this.hub, trigger, requestedBy);
  }

  /** Whether a connected agent can scan; when agents are connected but none can, what they need. */
  async scanner(): Promise<{ available: boolean; needs: string | null }> {
    return scannerOf(this.hub);
  }

  /** Asks a connected agent (the least busy) for live VM status or a vCenter connectivity test. */
  async callAgent(request: CallRequest): Promise<Result<AgentCallResult, CallFailure>> {
    return callAgent(this.hub, request);
  }
}
