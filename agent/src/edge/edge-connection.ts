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
  credential: string;
  log: Logger;
  backoff: BackoffOptions;
  hello(): HelloBody;
  onWelcome(welcome: Welcome): void;
  onFrame(frame: EdgeToAgent): void;
  /** Every renew interval while welcomed: the job loop sends its lease renewal. */
  onTick(): void;
  onDisconnected(): void;
  onFatal(reason: FatalReason): void;
  connectTimeoutMs?: number;
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
  lastHeartbeatAt: Date | null = null;

  constructor(private readonly options: EdgeConnectionOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.welcomed;
  }

  start(): void {
    this.stopped = false;
    this.open();
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

  private open(): void {
    const { options } = this;
    const ws = new WebSocket(connectUrl(options.edgeUrl), {
      headers: { Authorization: `Bearer ${options.credential}` },
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      maxPayload: 1024 * 1024,
    });
    this.ws = ws;
    let fatal: FatalReason | null = null;
    let helloTimer: ReturnType<typeof setTimeout> | null = null;

    ws.on("unexpected-response", (_req, res) => {
      if (res.statusCode === 401 || res.statusCode === 403) {
        fatal = {
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
      this.send(options.hello());
      helloTimer = setTimeout(() => ws.terminate(), options.connectTimeoutMs ?? 10_000);
    });
    ws.on("message", (data, isBinary) => {
      this.lastFrameAt = Date.now();
      if (isBinary) return;
      const text = data.toString();
      if (text === "pong") return;
      const parsed = parseEdgeFrame(text);
      if (!parsed.ok) {
        options.log.warn("edge sent an invalid frame", { problem: parsed.error });
        return;
      }
      const frame = parsed.value;
      if (frame.type === "welcome") {
        if (helloTimer) clearTimeout(helloTimer);
        this.onWelcome(frame);
        return;
      }
      if (frame.type === "error" && frame.code === "UNSUPPORTED_VERSION") {
        fatal = {
          code: "PROTOCOL_REFUSED",
          message: `the edge refused protocol version ${PROTOCOL_VERSION}: ${frame.message}`,
        };
      }
      if (frame.type === "lease.renewed") this.lastHeartbeatAt = new Date();
      options.onFrame(frame);
    });
    ws.on("error", (error) => {
      if (this.streakStartedAt === null) options.log.warn("edge connection failed", { error: error.message });
    });
    ws.on("close", (code, reason) => {
      if (helloTimer) clearTimeout(helloTimer);
      const wasWelcomed = this.welcomed;
      this.welcomed = false;
      this.ws = null;
      this.clearTick();
      if (wasWelcomed) {
        this.backoff.connectionEnded(Date.now() - this.connectedAt);
        options.log.warn("disconnected from edge", { code, reason: reason.toString() });
        options.onDisconnected();
      }
      if (UNRECOVERABLE_CLOSE_CODES.includes(code)) {
        fatal ??=
          code === 4001
            ? { code: "CREDENTIAL_REJECTED", message: "the agent was revoked by an administrator" }
            : { code: "PROTOCOL_REFUSED", message: `the edge refused protocol version ${PROTOCOL_VERSION}` };
      }
      if (fatal) {
        this.stopped = true;
        options.onFatal(fatal);
        return;
      }
      if (!this.stopped) this.scheduleRetry();
    });
  }

  private onWelcome(welcome: Welcome): void {
    this.welcomed = true;
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
    this.options.onWelcome(welcome);
    this.clearTick();
    this.tickTimer = setInterval(() => this.tick(), this.renewIntervalMs);
  }

  private tick(): void {
    // renewals are answered; silence this long means a half-open socket, not an idle one
    if (Date.now() - this.lastFrameAt > 2 * this.renewIntervalMs + 5000) {
      this.options.log.warn("edge silent; dropping the connection", {
        silentMs: Date.now() - this.lastFrameAt,
      });
      this.ws?.terminate();
      return;
    }
    this.options.onTick();
  }

  private clearTick(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private scheduleRetry(): void {
    this.streakStartedAt ??= Date.now();
    const delay = this.backoff.next();
    this.options.log.debug("reconnecting", { inMs: delay, attempt: this.backoff.failures });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
