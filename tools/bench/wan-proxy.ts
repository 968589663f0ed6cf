import { connect, createServer, type Server, type Socket } from "node:net";

/** One direction's emulated WAN: every byte waits `oneWayMs` ± up to `jitterMs` (uniform). */
export interface WanDelay {
  oneWayMs: number;
  jitterMs: number;
}

/** Which way bytes travel through the proxy: client → target ("up") or target → client ("down"). */
export type Direction = "up" | "down";

/** Sees every chunk the moment it enters the proxy, before its delay (e.g. to count WebSocket frames). */
export type ChunkTap = (input: { connection: number; direction: Direction; chunk: Buffer }) => void;

interface Pending {
  at: number;
  chunk: Buffer | null;
}

/**
 * One direction of one connection: chunks leave after their delay and never overtake each other. Jitter
 * moves a chunk's own release time, but a chunk is never released before the one ahead of it (as TCP
 * delivers a stream in order: a late segment holds back the ones behind it). `null` is the FIN, sent
 * after the last byte.
 */
class DelayedPipe {
  private readonly queue: Pending[] = [];
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly to: Socket,
    private readonly delay: () => WanDelay,
  ) {}

  push(chunk: Buffer | null): void {
    const { oneWayMs, jitterMs } = this.delay();
    const jitter = jitterMs > 0 ? (Math.random() * 2 - 1) * jitterMs : 0;
    const at = Math.max(performance.now() + Math.max(0, oneWayMs + jitter), this.lastAt);
    this.lastAt = at;
    this.queue.push({ at, chunk });
    if (this.timer === null) this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (!head) {
      this.timer = null;
      return;
    }
    this.timer = setTimeout(() => this.release(), Math.max(0, head.at - performance.now()));
  }

  private release(): void {
    const now = performance.now();
    while (this.queue.length > 0 && (this.queue[0]?.at ?? Infinity) <= now + 0.5) {
      const { chunk } = this.queue.shift() as Pending;
      if (this.to.destroyed) continue;
      if (chunk === null) this.to.end();
      else this.to.write(chunk);
    }
    this.schedule();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

/**
 * A TCP proxy that emulates a WAN between its clients and one target (node:net only): each direction of
 * each connection gets the one-way delay plus jitter, in order. The delay can change while connections
 * are open (the next chunk takes the new one), so one long-lived agent connection can be measured at
 * 0, 25 and 50 ms in turn. Connection setup is not delayed: only bytes are.
 */
export class WanProxy {
  private delay: WanDelay = { oneWayMs: 0, jitterMs: 0 };
  private readonly sockets = new Set<Socket>();
  private readonly pipes = new Set<DelayedPipe>();
  private connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }, tap?: ChunkTap): Promise<WanProxy> {
    let proxy: WanProxy | null = null;
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) =>
      proxy?.accept(client, target, tap),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    proxy = new WanProxy(server, port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setDelay(delay: WanDelay): void {
    this.delay = { ...delay };
  }

  async stop(): Promise<void> {
    for (const pipe of this.pipes) pipe.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }, tap?: ChunkTap): void {
    const connection = ++this.connections;
    const upstream = connect({ ...target, noDelay: true, allowHalfOpen: true });
    const delay = () => this.delay;
    const up = new DelayedPipe(upstream, delay);
    const down = new DelayedPipe(client, delay);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => this.sockets.delete(socket));
    }
    this.pipes.add(up).add(down);
    client.on("data", (chunk: Buffer) => {
      tap?.({ connection, direction: "up", chunk });
      up.push(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      tap?.({ connection, direction: "down", chunk });
      down.push(chunk);
    });
    client.on("end", () => up.push(null));
    upstream.on("end", () => down.push(null));
    const closed = () => {
      this.pipes.delete(up);
      this.pipes.delete(down);
    };
    upstream.on("close", closed);
  }
}
