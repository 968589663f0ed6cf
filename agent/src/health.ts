import { createServer, type Server } from "node:http";
import type { UpgradeAnswer, UpgradeStatus } from "./upgrade/agent-upgrader.ts";
import { tokenMatches } from "./upgrade/control-token.ts";

export interface HealthSnapshot {
  connected: boolean;
  lastHeartbeatAt: string | null;
  jobsInFlight: number;
  draining: boolean;
  agentId: string;
  version: string;
  /** SOAP round trips to vCenter since start (null without a vCenter): what each VM costs shows here. */
  vcenterRoundTrips: { total: number; byMethod: Record<string, number> } | null;
  upgrade: UpgradeStatus;
}

/** What `gantry-agent upgrade` asks of the running agent (POST /upgrade with the control token). */
export interface HealthControl {
  /** issues the token, given the endpoint's address once it listens */
  issueToken(url: string): string;
  upgrade(): Promise<UpgradeAnswer>;
}

/**
 * The local health endpoint (GET /healthz on loopback by default): 200 when connected to the edge,
 * 503 otherwise, with the snapshot as JSON either way; POST /upgrade with the control token starts an
 * upgrade. Port 0 picks a free port (tests).
 */
export async function startHealthServer(input: {
  host: string;
  port: number;
  snapshot: () => HealthSnapshot;
  control?: HealthControl;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  let token: string | null = null;
  const server = createServer((req, res) => {
    const { control } = input;
    if (req.method === "POST" && req.url === "/upgrade" && control && token) {
      req.resume();
      if (!tokenMatches(req.headers.authorization, token)) {
        res.writeHead(401).end();
        return;
      }
      void control.upgrade().then((answer) => {
        res.writeHead(answer.status === "started" ? 202 : 409, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      });
      return;
    }
    if (req.method !== "GET" || (req.url !== "/healthz" && req.url !== "/")) {
      res.writeHead(404).end();
      return;
    }
    const snapshot = input.snapshot();
    res.writeHead(snapshot.connected ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify(snapshot));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(input.port, input.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : input.port;
  const host = input.host === "0.0.0.0" || input.host === "::" ? "127.0.0.1" : input.host;
  token = input.control?.issueToken(`http://${host.includes(":") ? `[${host}]` : host}:${port}`) ?? null;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // keep-alive connections of a monitoring client must not delay shutdown
      server.closeAllConnections();
    });
  return { server, port, close };
}
