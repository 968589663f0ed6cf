import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { createLogger } from "../log.ts";
import { type ConnectionHandlers, EdgeConnection, type FatalReason } from "./edge-connection.ts";

const welcome = (id = "w") =>
  JSON.stringify({
    v: 1,
    id,
    type: "welcome",
    protocol: 1,
    agentId: "a",
    siteId: "s",
    leaseTtlMs: 3000,
    renewIntervalMs: 50,
    jobs: [],
  });

let server: Server | null = null;
let connection: EdgeConnection | null = null;
afterEach(async () => {
  connection?.stop();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

/** A stand-in edge: `onSocket` decides what each connection gets; `status` refuses the upgrade. */
async function fakeEdge(options: {
  status?: number;
  onSocket?: (ws: import("ws").WebSocket, n: number) => void;
}) {
  const wss = new WebSocketServer({ noServer: true });
  let n = 0;
  server = createServer();
  server.on("upgrade", (req, socket, head) => {
    if (options.status) {
      socket.end(`HTTP/1.1 ${options.status} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => options.onSocket?.(ws, ++n));
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function connect(edgeUrl: string, overrides: Partial<ConnectionHandlers> = {}) {
  const events: string[] = [];
  let fatal: (r: FatalReason) => void = () => {};
  const fatalP = new Promise<FatalReason>((r) => {
    fatal = r;
  });
  let welcomed: () => void = () => {};
  const welcomedP = new Promise<void>((r) => {
    welcomed = r;
  });
  connection = new EdgeConnection({
    edgeUrl,
    credential: "gac_x_y",
    log: createLogger({ write: () => {} }),
    backoff: { baseMs: 10, capMs: 20, minUptimeMs: 1000 },
  });
  connection.start({
    hello: () => ({
      type: "hello",
      agent: { version: "t" },
      protocols: [1],
      capacity: 1,
      draining: false,
      running: [],
    }),
    onWelcome: () => {
      events.push("welcome");
      welcomed();
    },
    onFrame: (f) => events.push(f.type),
    onTick: () => events.push("tick"),
    onDisconnected: () => events.push("down"),
    onFatal: (r) => fatal(r),
    ...overrides,
  });
  return { events, fatal: fatalP, welcomed: welcomedP };
}

describe("EdgeConnection", () => {
  it("sends hello with the bearer credential and ticks after welcome", async () => {
    let auth: string | undefined;
    const url = await fakeEdge({
      onSocket: (ws) => {
        ws.once("message", () => ws.send(welcome()));
      },
    });
    server?.prependListener("upgrade", (req) => {
      auth = req.headers.authorization;
    });
    const c = connect(url);
    await c.welcomed;
    expect(auth).toBe("Bearer gac_x_y");
    await expect.poll(() => c.events.includes("tick")).toBe(true);
    expect(connection?.connected).toBe(true);
  });

  it("stops for good when the credential is refused", async () => {
    const c = connect(await fakeEdge({ status: 401 }));
    expect(await c.fatal).toMatchObject({ code: "CREDENTIAL_REJECTED" });
  });

  it("stops for good when the protocol version is refused", async () => {
    const url = await fakeEdge({
      onSocket: (ws) => {
        ws.once("message", () => {
          ws.send(
            JSON.stringify({ v: 1, id: "e", type: "error", code: "UNSUPPORTED_VERSION", message: "no" }),
          );
          ws.close(4002, "refused");
        });
      },
    });
    expect(await connect(url).fatal).toMatchObject({ code: "PROTOCOL_REFUSED" });
  });

  it("reconnects after the socket drops", async () => {
    const url = await fakeEdge({
      onSocket: (ws, n) => {
        ws.once("message", () => {
          ws.send(welcome(`w${n}`));
          if (n === 1) ws.terminate();
        });
      },
    });
    const c = connect(url);
    await expect.poll(() => c.events.filter((e) => e === "welcome").length).toBe(2);
    expect(c.events).toContain("down");
  });
});
