import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy between agent and edge that can cut the line: `cut()` destroys every open connection
 * and refuses new ones until `restore()` — what a flaky WAN or a firewall reset does to the agent.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => {
      if (!proxy || proxy.down) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      const pair = [client, upstream];
      for (const s of pair) {
        proxy.sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => {
          proxy?.sockets.delete(s);
          for (const other of pair) other.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
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
    this.down = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
