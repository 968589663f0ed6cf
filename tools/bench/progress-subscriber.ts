import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { parseProgressFrame } from "@gantry/shared/protocol/progress";
import WebSocket from "ws";

/** When a subscriber received each stage frame and the terminal frame (performance.now() ms). */
export interface Receipts {
  stages: Map<ProvisioningStage, number>;
  terminal: number | null;
}

/**
 * A browser's live view of one request: a real WebSocket to `/progress/:requestId/connect` with the
 * member's cookie and the edge's Origin. Timestamps each frame the moment Node delivers it.
 */
export class ProgressSubscriber {
  readonly receipts: Receipts = { stages: new Map(), terminal: null };
  /** Frames that failed the shared schema; a correct edge sends none. */
  malformed = 0;
  private readonly ws: WebSocket;
  private readonly waiters = new Set<() => void>();
  private readonly closed: Promise<void>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once("close", () => resolve()));
    ws.on("message", (data) => {
      const at = performance.now();
      const parsed = parseProgressFrame(data.toString());
      if (!parsed.ok) {
        this.malformed += 1;
        return;
      }
      const frame = parsed.value;
      if (frame.type === "stage" && !this.receipts.stages.has(frame.stage))
        this.receipts.stages.set(frame.stage, at);
      if (frame.type === "terminal") this.receipts.terminal ??= at;
      for (const wake of this.waiters) wake();
    });
  }

  /** Opens the socket and resolves once the snapshot arrived, so no later frame can be missed. */
  static open(input: {
    edgeUrl: string;
    requestId: string;
    cookie: string;
    /** the page's origin, when `edgeUrl` is a proxy in front of the edge */
    origin?: string;
  }): Promise<ProgressSubscriber> {
    const url = new URL(`/progress/${input.requestId}/connect`, input.edgeUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const origin = input.origin ?? input.edgeUrl;
    const ws = new WebSocket(url, { headers: { cookie: input.cookie, origin } });
    const subscriber = new ProgressSubscriber(ws);
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`progress socket for ${input.requestId}: ${error.message}`));
      };
      const timer = setTimeout(() => fail(new Error("no snapshot within 10 s")), 10_000);
      ws.once("error", fail);
      ws.once("unexpected-response", (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
      ws.once("message", () => {
        clearTimeout(timer);
        ws.off("error", fail);
        // the first frame is the snapshot; later errors end up as a close
        ws.on("error", () => undefined);
        resolve(subscriber);
      });
    });
  }

  /** Resolves when `done()` holds after some frame, or false after `timeoutMs`. */
  until(done: (r: Receipts) => boolean, timeoutMs: number): Promise<boolean> {
    if (done(this.receipts)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const check = () => {
        if (done(this.receipts)) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000, "bench done");
    const timer = setTimeout(() => this.ws.terminate(), 1000);
    await this.closed;
    clearTimeout(timer);
  }
}
