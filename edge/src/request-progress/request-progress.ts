import { DurableObject } from "cloudflare:workers";
import { PROGRESS_CLOSE_CODES } from "@gantry/shared/protocol/progress";
import { ProgressUpdate } from "@gantry/shared/protocol/progress-update";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { logEvent } from "../log.ts";
import { loadStageStats } from "../projections/stage-run-queries.ts";
import {
  type Applied,
  applyTransition,
  isExpired,
  markSlowIfDue,
  needsReconcile,
  nextWakeUp,
  recheckAt,
} from "./apply-transition.ts";
import { PercentCoalescer } from "./percent-coalescer.ts";
import { type ProgressConfig, progressConfig } from "./progress-config.ts";
import { initialFacts, type ProgressFacts } from "./progress-facts.ts";
import { loadProgressLog } from "./progress-log.ts";
import {
  acceptSubscriber,
  broadcast,
  closeAll,
  readClientMessage,
  sendFrames,
  subscriberRefusal,
} from "./progress-sockets.ts";
import { RequestProgressStore } from "./progress-store.ts";
import { catchUpWithLog, newEpoch, rebuildFromLog } from "./rebuild.ts";
import { buildSnapshot, openStage, percentFrame } from "./snapshot.ts";
import { readSubscriber } from "./subscriber.ts";
import { framesForSubscriber } from "./subscriber-frames.ts";

/** Who publishes: the hub names the tenant the job belongs to; the object pins the first tenant it sees. */
export const PublishOrigin = z.object({ tenantId: z.string().min(1).max(100) });
export type PublishOrigin = z.infer<typeof PublishOrigin>;

export type PublishError =
  | { code: "INVALID_UPDATE"; message: string }
  /** the update names another request or tenant than the one this object is pinned to */
  | { code: "WRONG_OBJECT"; message: string };

export interface PublishReceipt {
  /** seq of the newest durable frame after the update */
  seq: number;
  /** false when the update was a duplicate, out of order, after the end, or a percent of a past stage */
  applied: boolean;
}

/** D1 (or the log reader) failed while rebuilding; the caller may retry. */
export class ProgressUnavailableError extends Error {
  readonly retryable = true;
}

// Alarm handlers that keep failing re-arm themselves instead of exhausting the runtime's retries.
const ALARM_RETRY_LIMIT = 5;
const ALARM_REARM_MS = 30_000;

/**
 * Responsibilities: one object per provisioning request (`idFromName(requestId)`).
 * - Caches the request's progress — stage start/end times, terminal outcome and warnings in SQLite, the
 *   clone percent in memory only. It is a cache of the D1 log, never the truth: with no state it
 *   rebuilds from the log before answering.
 * - Pushes frames to hibernatable WebSockets: browsers (`/progress/:id/connect`) and Workers serving
 *   tRPC `progress.watch` over SSE alike, resuming each from its cursor out of a bounded replay buffer.
 * - Decides "taking longer than usual" on the edge's clock (an alarm at the threshold) and clears itself
 *   with an alarm once the retention period after the end has passed.
 */
export class RequestProgress extends DurableObject<Env> {
  readonly #store: RequestProgressStore;
  readonly #config: ProgressConfig;
  readonly #percent: PercentCoalescer;
  #facts: ProgressFacts | null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = progressConfig(env);
    this.#store = new RequestProgressStore(ctx.storage.sql);
    this.#percent = new PercentCoalescer({
      intervalMs: this.#config.percentIntervalMs,
      send: (live) => {
        if (this.#facts) broadcast(ctx, percentFrame(live, this.#facts.lastSeq));
      },
    });
    // keep-alives from browsers are answered without waking the object
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    this.#facts = this.#restore();
  }

  /** Liveness probe over RPC (the foundation test and operators use it); touches no state. */
  async ping(): Promise<string> {
    return "pong";
  }

  /**
   * Feeds one update from the agent hub. Stage, succeeded and failed updates must already be recorded
   * in D1; they are pushed at once. Percent updates are coalesced and never stored.
   */
  async publish(
    update: ProgressUpdate,
    origin: PublishOrigin,
  ): Promise<Result<PublishReceipt, PublishError>> {
    const parsed = ProgressUpdate.safeParse(update);
    const from = PublishOrigin.safeParse(origin);
    if (!parsed.success || !from.success) {
      return err({
        code: "INVALID_UPDATE",
        message: "publish(update, { tenantId }) did not match its schema",
      });
    }
    const { data } = parsed;
    const facts = await this.#ensureFacts({ requestId: data.requestId, tenantId: from.data.tenantId });
    if (!facts || facts.tenantId !== from.data.tenantId || facts.requestId !== data.requestId) {
      logEvent("warn", "progress publish refused", { requestId: data.requestId });
      return err({ code: "WRONG_OBJECT", message: "this object belongs to another request or tenant" });
    }
    if (data.kind === "percent") {
      const current = openStage(facts) === data.stage;
      if (current) this.#percent.offer({ stage: data.stage, percent: data.percent, at: data.at });
      return ok({ seq: facts.lastSeq, applied: current });
    }
    const learned = await this.#learnStatsAtStart(facts, data);
    const now = Date.now();
    const applied = applyTransition(learned, data, { now, retentionMs: this.#config.retentionMs });
    const slow = markSlowIfDue(applied.facts, now, this.#config.slowFloorMs);
    await this.#commit({ facts: slow.facts, frames: [...applied.frames, ...slow.frames] });
    return ok({ seq: slow.facts.lastSeq, applied: applied.frames.length > 0 });
  }

  /**
   * A viewer who opened the page before approval made this object read the log when the request had no
   * job yet, so no template to compare with: the first stage is the moment the history can be read.
   */
  async #learnStatsAtStart(facts: ProgressFacts, update: ProgressUpdate): Promise<ProgressFacts> {
    if (update.kind !== "stage" || facts.stats !== null || facts.stages.length > 0) return facts;
    const stats = await loadStageStats(this.env.DB, {
      tenantId: facts.tenantId,
      requestId: facts.requestId,
      runs: this.#config.statsRuns,
    });
    // D1 is not behind the input gate: build on whatever publishes applied meanwhile
    const current = this.#facts ?? facts;
    return current.stats === null ? { ...current, stats } : current;
  }

  /** Only for WebSocket upgrades from this Worker, carrying the already-authorized subscriber. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const subscriber = readSubscriber(request);
    if (!subscriber) return new Response("invalid subscriber", { status: 400 });
    let facts: ProgressFacts | null;
    try {
      facts = await this.#ensureFacts({ requestId: subscriber.requestId });
    } catch {
      return new Response("progress unavailable", { status: 503 });
    }
    // the same answer as a request that does not exist: another tenant's request is not found
    if (!facts || facts.tenantId !== subscriber.tenantId || facts.requestId !== subscriber.requestId) {
      return new Response("not found", { status: 404 });
    }
    const refused = subscriberRefusal(this.ctx, subscriber.viewerId);
    if (refused) return refused;
    if (needsReconcile(facts, Date.now(), this.#config.reconcileOnConnectMs)) {
      // a long-silent run may have ended with a publish the hub dropped; a failed check is not fatal
      await this.#reconcile().catch((error: unknown) => {
        logEvent("warn", "progress check against the log failed", { error: String(error) });
      });
    }
    const now = Date.now();
    await this.#commit(markSlowIfDue(this.#facts ?? facts, now, this.#config.slowFloorMs));
    const current = this.#facts ?? facts;
    const { client, server } = acceptSubscriber(this.ctx, subscriber);
    const live = this.#percent.latest;
    sendFrames(
      server,
      framesForSubscriber({ facts: current, store: this.#store, live, after: subscriber.after, now }),
    );
    if (current.terminal) server.close(PROGRESS_CLOSE_CODES.complete, "complete");
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // never throw from here: an uncaught error can reset the object under every other subscriber
    try {
      const facts = this.#facts;
      if (!facts) {
        ws.close(PROGRESS_CLOSE_CODES.expired, "expired");
        return;
      }
      const now = Date.now();
      if (readClientMessage(ws, message, { seq: facts.lastSeq, now }) === "resync") {
        sendFrames(ws, [buildSnapshot({ facts, live: this.#percent.latest, now })]);
      }
    } catch (error) {
      logEvent("error", "progress socket message failed", { error: String(error) });
    }
  }

  override async alarm(info?: AlarmInvocationInfo): Promise<void> {
    try {
      const facts = this.#facts;
      if (!facts) return;
      const now = Date.now();
      if (isExpired(facts, now, this.#config)) return await this.#purge();
      // reconciling always records when it checked, so it commits and re-arms the alarm itself
      if (!facts.terminal && now >= recheckAt(facts, this.#config)) return await this.#reconcile();
      // the alarm that woke us is spent: re-arm even when nothing changed (an early or repeated run)
      if (!(await this.#commit(markSlowIfDue(facts, now, this.#config.slowFloorMs)))) await this.#syncAlarm();
    } catch (error) {
      if ((info?.retryCount ?? 0) < ALARM_RETRY_LIMIT) throw error;
      await this.ctx.storage.setAlarm(Date.now() + ALARM_REARM_MS);
    }
  }

  #restore(): ProgressFacts | null {
    try {
      this.#store.ensureSchema();
      return this.#store.loadFacts();
    } catch (error) {
      // an unreadable cache is rebuilt from the log on first use
      logEvent("warn", "progress state unreadable; rebuilding", { error: String(error) });
      return null;
    }
  }

  /**
   * The facts, rebuilt from the log first when the object has none. A publisher's tenant seeds an
   * object whose request the log does not know yet; a subscriber never does.
   * @throws ProgressUnavailableError when the log cannot be read
   */
  async #ensureFacts(key: { requestId: string; tenantId?: string }): Promise<ProgressFacts | null> {
    if (this.#facts) return this.#facts;
    // the rebuild awaits D1; holding other events back keeps two first callers from rebuilding twice
    const rebuilt = await this.ctx.blockConcurrencyWhile(async () => {
      if (this.#facts) return ok(this.#facts);
      try {
        return ok(await this.#rebuild(key));
      } catch (error) {
        return err(error);
      }
    });
    if (!rebuilt.ok)
      throw new ProgressUnavailableError("could not rebuild progress", { cause: rebuilt.error });
    if (rebuilt.value) await this.#syncAlarm();
    return rebuilt.value;
  }

  async #rebuild(key: { requestId: string; tenantId?: string }): Promise<ProgressFacts | null> {
    const log = await loadProgressLog(this.env, {
      requestId: key.requestId,
      statsRuns: this.#config.statsRuns,
      // a publisher (the job's hub) brings the stages it holds itself, in order: only a viewer asks it
      askHub: key.tenantId === undefined,
    });
    const now = Date.now();
    const epoch = newEpoch();
    let applied: Applied;
    if (log) applied = rebuildFromLog(log, { epoch, now, ...this.#config });
    else if (key.tenantId) {
      const facts = initialFacts({
        requestId: key.requestId,
        tenantId: key.tenantId,
        epoch,
        stats: null,
        now,
      });
      applied = { facts, frames: [] };
    } else return null;
    this.#store.ensureSchema();
    this.#store.replaceAll(applied.facts, applied.frames);
    this.#facts = applied.facts;
    return applied.facts;
  }

  /** Compares the cached run with the log and pushes whatever it missed. */
  async #reconcile(): Promise<void> {
    const before = this.#facts;
    if (!before) return;
    const log = await loadProgressLog(this.env, {
      requestId: before.requestId,
      statsRuns: this.#config.statsRuns,
      askHub: true,
    });
    // publishes may have landed while D1 was read; catch up from whatever is current now
    const current = this.#facts;
    if (!current) return;
    const now = Date.now();
    const usable = log !== null && log.tenantId === current.tenantId;
    const caught = usable
      ? catchUpWithLog(current, log, { now, ...this.#config })
      : { facts: { ...current, syncedAt: now }, frames: [] };
    await this.#commit(caught);
  }

  /**
   * Stores, then pushes: the output gate holds the frames until the write is durable anyway.
   * @returns whether anything changed (and the alarm was re-synced)
   */
  async #commit(applied: Applied): Promise<boolean> {
    if (applied.frames.length === 0 && applied.facts === this.#facts) return false;
    this.#store.save(applied.facts, applied.frames);
    this.#facts = applied.facts;
    for (const frame of applied.frames) {
      // a new stage or the end makes any pending percent stale
      if (frame.type !== "slow") this.#percent.reset();
      broadcast(this.ctx, frame);
    }
    if (applied.frames.some((f) => f.type === "terminal")) {
      closeAll(this.ctx, PROGRESS_CLOSE_CODES.complete, "complete");
    }
    await this.#syncAlarm();
    return true;
  }

  async #syncAlarm(): Promise<void> {
    const wake = this.#facts ? nextWakeUp(this.#facts, this.#config) : null;
    const armed = await this.ctx.storage.getAlarm();
    if (wake === null) {
      if (armed !== null) await this.ctx.storage.deleteAlarm();
    } else if (armed !== wake) await this.ctx.storage.setAlarm(wake);
  }

  /** Idempotent: a second run finds no facts and does nothing. */
  async #purge(): Promise<void> {
    closeAll(this.ctx, PROGRESS_CLOSE_CODES.expired, "expired");
    this.#percent.reset();
    this.#facts = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
