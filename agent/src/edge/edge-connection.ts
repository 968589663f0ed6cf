import type { AgentToEdge, EdgeToAgent, FrameBody } from "@gantry/shared/protocol/agent";
import { UNRECOVERABLE_CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { parseEdgeFrame } from "@gantry/shared/protocol/agent-parse";
import { PROTOCOL_VERSION } from "@gantry/shared/protocol/version";
import WebSocket from "ws";
import type { Logger } from "../log.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";

type Welcome = Extract<EdgeToAgent, { type: "welcome" }>;
type HelloBody = Extract<FrameBody<AgentToEdge>, { type: "hello" }>;

/** Why the agent must stop instead of reconnecting (buildkite's `isUnrecoverable`). */
export type FatalReason =
  | { code: "CREDENTIAL_REJECTED"; message: string }
  | { code: "PROTOCOL_REFUSED"; message: string };

export interface EdgeConnectionOptions {
  edgeUrl: string;
  /** the agent's credential, asked for at each connect (a rotation saves a new one meanwhile) */
  credential: string | (() => string);
  log: Logger;
  backoff: BackoffOptions;
  connectTimeoutMs?: number;
}

/** What the connection asks of its owner and tells it, from `start` until it stops. */
export interface ConnectionHandlers {
  hello(): HelloBody;
  onWelcome(welcome: Welcome): void;
  onFrame(frame: EdgeToAgent): void;
  /** Every renew interval while welcomed: the job loop sends its lease renewal. */
  onTick(): void;
  onDisconnected(): void;
  onFatal(reason: FatalReason): void;
}

/** What one socket learns before it closes: why not to reconnect, and its hello deadline. */
interface SocketAttempt {
  fatal: FatalReason | null;
  helloTimer: ReturnType<typeof setTimeout> | null;
}

export const connectUrl = (edgeUrl: string) => {
  const url = new URL("/agent/connect", edgeUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
};

/**
 * The agent's one socket to its site's hub: connect with the bearer credential, hello/welcome,
 * tick renewals, and reconnect with full-jitter backoff until told to stop or refused for good.
 * Logs the first failure of a streak and a summary on recovery, not every attempt.
 */
export class EdgeConnection {
  private ws: WebSocket | null = null;
  private welcomed = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private readonly backoff: Backoff;
  private connectedAt = 0;
  private lastFrameAt = 0;
  private renewIntervalMs = 30_000;
  private streakStartedAt: number | null = null;
  private welcomedWith: number | null = null;
  lastHeartbeatAt: Date | null = null;

  constructor(private readonly options: EdgeConnectionOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.welcomed;
  }

  /** The protocol version the edge welcomed this connection with; null while not welcomed. */
  get protocol(): number | null {
    return this.welcomed ? this.welcomedWith : null;
  }

  /**
   * Connects and keeps reconnecting until `stop` or a refusal for good. Built before its handlers'
   * owner exists, so the job loop and the outbox can send through it; it dials only from here on.
   */
  start(handlers: ConnectionHandlers): void {
    this.stopped = false;
    this.open(handlers);
  }

  /** Closes the socket for good; no reconnect follows. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.clearTick();
    const ws = this.ws;
    if (!ws) return;
    ws.close(1000, "agent stopping");
    // an edge that never answers the close frame must not hold the process for ws's 30 s timeout
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  /** Sends a frame when welcomed (or a hello while handshaking); returns its id, or null when not sent. */
  send(body: FrameBody<AgentToEdge>, id: string = crypto.randomUUID()): string | null {
    const raw = JSON.stringify({ v: PROTOCOL_VERSION, id, ...body });
    return this.sendRaw(raw, body.type === "hello") ? id : null;
  }

  /** Sends an already encoded frame (the outbox resends frames byte for byte). */
  sendRaw(raw: string, beforeWelcome = false): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (!this.welcomed && !beforeWelcome)) return false;
    ws.send(raw);
    return true;
  }

  private open(handlers: ConnectionHandlers): void {
    const { options } = this;
    const credential = typeof options.credential === "string" ? options.credential : options.credential();
    const ws = new WebSocket(connectUrl(options.edgeUrl), {
      headers: { Authorization: `Bearer ${credential}` },
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      maxPayload: 1024 * 1024,
      // frames are a few hundred bytes of JSON; ws's permessage-deflate keeps a zlib pair per socket
      // and runs them on libuv's threads: ~2 MiB of peak RSS for little saved on the wire
      perMessageDeflate: false,
    });
    this.ws = ws;
    const attempt: SocketAttempt = { fatal: null, helloTimer: null };
    ws.on("unexpected-response", (_req, res) => {
      if (res.statusCode === 401 || res.statusCode === 403) {
        attempt.fatal = {
          code: "CREDENTIAL_REJECTED",
          message: `the edge refused the agent credential (HTTP ${res.statusCode})`,
        };
      }
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      this.connectedAt = Date.now();
      this.lastFrameAt = this.connectedAt;
      this.send(handlers.hello());
      attempt.helloTimer = setTimeout(() => ws.terminate(), options.connectTimeoutMs ?? 10_000);
    });
    ws.on("message", (data, isBinary) => {
      this.lastFrameAt = Date.now();
      if (!isBinary) this.onText(data.toString(), handlers, attempt);
    });
    ws.on("error", (error) => {
      if (this.streakStartedAt === null) options.log.warn("edge connection failed", { error: error.message });
    });
    ws.on("close", (code, reason) => this.onClose({ code, reason: reason.toString() }, handlers, attempt));
  }

  private onText(text: string, handlers: ConnectionHandlers, attempt: SocketAttempt): void {
    if (text === "pong") return;
    const parsed = parseEdgeFrame(text);
    if (!parsed.ok) {
      this.options.log.warn("edge sent an invalid frame", { problem: parsed.error });
      return;
    }
    const frame = parsed.value;
    if (frame.type === "welcome") {
      if (attempt.helloTimer) clearTimeout(attempt.helloTimer);
      this.onWelcome(frame, handlers);
      return;
    }
    if (frame.type === "error" && frame.code === "UNSUPPORTED_VERSION") {
      attempt.fatal = {
        code: "PROTOCOL_REFUSED",
        message: `the edge refused protocol version ${PROTOCOL_VERSION}: ${frame.message}`,
      };
    }
    if (frame.type === "lease.renewed") this.lastHeartbeatAt = new Date();
    handlers.onFrame(frame);
  }

  private onClose(
    close: { code: number; reason: string },
    handlers: ConnectionHandlers,
    attempt: SocketAttempt,
  ): void {
    if (attempt.helloTimer) clearTimeout(attempt.helloTimer);
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.ws = null;
    this.clearTick();
    if (wasWelcomed) {
      this.backoff.connectionEnded(Date.now() - this.connectedAt);
      this.options.log.warn("disconnected from edge", close);
      handlers.onDisconnected();
    }
    if (UNRECOVERABLE_CLOSE_CODES.includes(close.code)) {
      attempt.fatal ??=
        close.code === 4001
          ? { code: "CREDENTIAL_REJECTED", message: "the agent was revoked by an administrator" }
          : { code: "PROTOCOL_REFUSED", message: `the edge refused protocol version ${PROTOCOL_VERSION}` };
    }
    if (attempt.fatal) {
      this.stopped = true;
      handlers.onFatal(attempt.fatal);
      return;
    }
    if (!this.stopped) this.scheduleRetry(handlers);
  }

  private onWelcome(welcome: Welcome, handlers: ConnectionHandlers): void {
    this.welcomed = true;
    this.welcomedWith = welcome.protocol;
    this.lastHeartbeatAt = new Date();
    this.renewIntervalMs = welcome.renewIntervalMs;
    if (this.streakStartedAt !== null) {
      this.options.log.info("reconnected to edge", {
        failedAttempts: this.backoff.failures,
        downForMs: Date.now() - this.streakStartedAt,
      });
      this.streakStartedAt = null;
    } else {
      this.options.log.info("connected to edge", { agentId: welcome.agentId, siteId: welcome.siteId });
    }
    handlers.onWelcome(welcome);
    this.clearTick();
    this.tickTimer = setInterval(() => this.tick(handlers), this.renewIntervalMs);
  }

  private tick(handlers: ConnectionHandlers): void {
    // renewals are answered; silence this long means a half-open socket, not an idle one
    if (Date.now() - this.lastFrameAt > 2 * this.renewIntervalMs + 5000) {
      this.options.log.warn("edge silent; dropping the connection", {
        silentMs: Date.now() - this.lastFrameAt,
      });
      this.ws?.terminate();
      return;
    }
    handlers.onTick();
  }

  private clearTick(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private scheduleRetry(handlers: ConnectionHandlers): void {
    this.streakStartedAt ??= Date.now();
    const delay = this.backoff.next();
    this.options.log.debug("reconnecting", { inMs: delay, attempt: this.backoff.failures });
    this.retryTimer = setTimeout(() => this.open(handlers), delay);
  }
}
