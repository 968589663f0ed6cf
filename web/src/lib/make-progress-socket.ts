import {
  formatProgressCursor,
  PROGRESS_CLOSE_CODES,
  PROGRESS_PROTOCOL_VERSION,
  type ProgressFrame,
  parseProgressFrame,
} from "@gantry/shared/protocol/progress";
import { applyFrame, type LiveProgress } from "./progress-state.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "complete" | "refused";

/** The parts of a WebSocket we use; tests pass a fake. */
export interface SocketLike {
  isOpen(): boolean;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number): void;
}

export interface ProgressSocketOptions {
  requestId: string;
  /** opens a socket to a path such as `/progress/r1/connect?after=abc123.4` */
  connect: (path: string, handlers: SocketHandlers) => SocketLike;
  onProgress: (progress: LiveProgress, frame: ProgressFrame) => void;
  onConnection: (state: ConnectionState) => void;
  /** 0..1; injectable so tests are deterministic */
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;
const PING_EVERY_MS = 25_000;

/**
 * Keeps one request's progress socket alive: resumes after the last applied frame, reconnects with
 * full-jitter backoff, asks for a snapshot on a gap, and stops for good once the run is complete or the
 * edge refuses the viewer. The caller must call `close()`.
 */
export function makeProgressSocket(options: ProgressSocketOptions): { close(): void } {
  const random = options.random ?? Math.random;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let progress: LiveProgress | null = null;
  let socket: SocketLike | null = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer: unknown = null;
  let pingTimer: unknown = null;

  const path = () => {
    const base = `/progress/${encodeURIComponent(options.requestId)}/connect`;
    return progress === null ? base : `${base}?after=${formatProgressCursor(progress)}`;
  };

  const schedulePing = () => {
    pingTimer = setTimer(() => {
      if (socket?.isOpen()) socket.send("ping");
      schedulePing();
    }, PING_EVERY_MS);
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== "string" || data === "pong") return;
    const parsed = parseProgressFrame(data);
    // frames from a newer protocol we cannot read are skipped; the next snapshot brings us back
    if (!parsed.ok) return;
    const outcome = applyFrame(progress, parsed.value);
    if (outcome.kind === "resync") {
      socket?.send(JSON.stringify({ v: PROGRESS_PROTOCOL_VERSION, type: "resync" }));
      return;
    }
    if (outcome.kind === "ignored") return;
    progress = outcome.progress;
    options.onProgress(outcome.progress, parsed.value);
  };

  const open = () => {
    if (stopped) return;
    options.onConnection(attempt === 0 ? "connecting" : "reconnecting");
    const current = options.connect(path(), {
      onOpen: () => {
        attempt = 0;
        options.onConnection("open");
      },
      onMessage,
      onClose: (code) => onClose(current, code),
    });
    socket = current;
  };

  const onClose = (closed: SocketLike, code: number) => {
    if (socket !== closed || stopped) return;
    socket = null;
    if (code === PROGRESS_CLOSE_CODES.complete && progress?.state.terminal) {
      stopped = true;
      options.onConnection("complete");
      return;
    }
    if (code === PROGRESS_CLOSE_CODES.policy) {
      stopped = true;
      options.onConnection("refused");
      return;
    }
    // an expired object is rebuilt from the log: start over with a fresh snapshot
    if (code === PROGRESS_CLOSE_CODES.expired) progress = null;
    attempt += 1;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
    options.onConnection("reconnecting");
    retryTimer = setTimer(open, Math.max(250, Math.floor(random() * ceiling)));
  };

  open();
  schedulePing();
  return {
    close() {
      stopped = true;
      if (retryTimer !== null) clearTimer(retryTimer);
      if (pingTimer !== null) clearTimer(pingTimer);
      socket?.close(1000, "page closed");
      socket = null;
    },
  };
}
