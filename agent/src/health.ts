import { createServer, type Server } from "node:http";

export interface HealthSnapshot {
  connected: boolean;
  lastHeartbeatAt: string | null;
  jobsInFlight: number;
  draining: boolean;
  agentId: string;
  version: string;
  /** SOAP round trips to vCenter since start (null without a vCenter): what each VM costs shows here. */
  vcenterRoundTrips: { total: number; byMethod: Record<string, number> } | null;
}

/**
 * The local health endpoint (GET /healthz on loopback by default): 200 when connected to the edge,
 * 503 otherwise, with the snapshot as JSON either way. Port 0 picks a free port (tests).
 */
export async function startHealthServer(input: {
  host: string;
  port: number;
  snapshot: () => HealthSnapshot;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
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
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // keep-alive connections of a monitoring client must not delay shutdown
      server.closeAllConnections();
    });
  return { server, port, close };
}
