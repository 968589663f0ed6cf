import { connect, createServer, type Server, type Socket } from "node:net";

/** One client connection and, unless it came during a blackhole, its connection to the target. */
interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** bytes no longer pass, and a close on one side no longer reaches the other */
  silenced: boolean;
}

const drop = () => undefined;

/**
 * A TCP proxy between agent and edge that can break the line the two ways a network does:
 * - `cut()` destroys every open connection and refuses new ones (a firewall reset: both ends learn at once);
 * - `blackhole()` stops forwarding without closing anything: bytes in either direction are dropped, a
 *   close is not passed on, new connections are accepted but never reach the target (a silent partition:
 *   packets lost, no RST, no FIN). Each end has to notice the silence on its own.
 * - `refuseNew()` keeps open connections and resets new ones (the edge unreachable for a process that
 *   starts now, e.g. an agent restarting into a new version, while the running one still talks to it).
 * `restore()` ends any of them for new connections; a connection that lived through a blackhole stays silent,
 * as one whose packets were lost for longer than TCP retries.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private mode: "forward" | "cut" | "blackhole" | "refuse-new" = "forward";

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.mode = "cut";
    for (const pair of this.pairs) this.destroy(pair);
  }

  blackhole(): void {
    this.mode = "blackhole";
    for (const pair of this.pairs) this.silence(pair);
  }

  refuseNew(): void {
    this.mode = "refuse-new";
  }

  restore(): void {
    this.mode = "forward";
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.mode === "cut" || this.mode === "refuse-new") {
      client.destroy();
      return;
    }
    client.on("error", drop);
    const pair: Pair = { client, upstream: null, silenced: false };
    this.pairs.add(pair);
    client.on("close", () => this.closed(pair));
    if (this.mode === "blackhole") {
      this.silence(pair);
      return;
    }
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on("error", drop);
    upstream.on("close", () => this.closed(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** One side closed: pass it on, unless the pair is silenced (then only forget it once both are gone). */
  private closed(pair: Pair): void {
    if (!pair.silenced) this.destroy(pair);
    else if (pair.client.destroyed && (pair.upstream?.destroyed ?? true)) this.pairs.delete(pair);
  }

  private silence(pair: Pair): void {
    pair.silenced = true;
    for (const [from, to] of [
      [pair.client, pair.upstream],
      [pair.upstream, pair.client],
    ] as const) {
      if (!from) continue;
      if (to) from.unpipe(to);
      // keep reading, so the sender's writes succeed and vanish as lost packets would
      from.on("data", drop);
      from.resume();
    }
  }

  private destroy(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
