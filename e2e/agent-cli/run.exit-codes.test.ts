import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { EXIT, exitCodeFor } from "@gantry/agent/runtime/exit-codes";
import { type ManagedProcess, spawnManaged } from "@gantry/dev/processes";
import { AGENT_CLI, REPO_ROOT } from "@gantry/dev/repo-paths";
import { type AgentToEdge, CLOSE_CODES } from "@gantry/shared/protocol/agent";
import { parseAgentFrame } from "@gantry/shared/protocol/agent-parse";
import { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@gantry/shared/protocol/version";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";

const CREDENTIAL = "gac_test_exit";

type Hello = Extract<AgentToEdge, { type: "hello" }>;

/**
 * A stand-in edge speaking the shared protocol: it checks the bearer credential, validates each
 * frame with the edge's own parser and lets `onHello` answer the first hello.
 */
async function fakeEdge(options: {
  refuseUpgrade?: number;
  onHello?: (ws: WebSocket, hello: Hello) => void;
}) {
  const wss = new WebSocketServer({ noServer: true });
  const seen = { upgrades: 0, hellos: [] as Hello[], badFrames: [] as string[] };
  const server = createServer();
  server.on("upgrade", (req, socket, head) => {
    seen.upgrades += 1;
    const status = req.headers.authorization === `Bearer ${CREDENTIAL}` ? options.refuseUpgrade : 401;
    if (status) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data) => {
        const frame = parseAgentFrame(data.toString());
        if (!frame.ok || frame.value.type !== "hello") {
          seen.badFrames.push(data.toString());
          return;
        }
        seen.hellos.push(frame.value);
        options.onHello?.(ws, frame.value);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A real `gantry-agent run`, enrolled (state file written by hand) at `edgeUrl`. */
function runAgent(edgeUrl: string): ManagedProcess {
  const stateDir = mkdtempSync(path.join(tmpdir(), "gantry-exit-"));
  const stateFile = path.join(stateDir, "agent.json");
  writeFileSync(
    stateFile,
    JSON.stringify({
      edgeUrl,
      agentId: "agent-exit",
      tenantId: "tenant-1",
      siteId: "site-1",
      name: "exit-test",
      credential: CREDENTIAL,
      enrolledAt: new Date().toISOString(),
    }),
  );
  chmodSync(stateFile, 0o600);
  const configFile = path.join(stateDir, "config.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      stateDir,
      health: { port: 0 },
      reconnect: { baseMs: 10, capMs: 50, minUptimeMs: 1000 },
    }),
  );
  // no GANTRY_* from the developer's shell may change what this agent does
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GANTRY_")));
  const proc = spawnManaged({
    name: "agent run",
    command: process.execPath,
    args: ["--import", "tsx", AGENT_CLI, "run", "--config", configFile],
    cwd: REPO_ROOT,
    env,
  });
  procs.push(proc);
  return proc;
}

const procs: ManagedProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop(2000)));
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe("exitCodeFor", () => {
  it("maps a refused credential to 3 and a refused protocol to 4", () => {
    expect(exitCodeFor({ code: "CREDENTIAL_REJECTED", message: "" })).toBe(3);
    expect(exitCodeFor({ code: "PROTOCOL_REFUSED", message: "" })).toBe(4);
    expect([EXIT.credentialRejected, EXIT.protocolRefused]).toEqual([3, 4]);
  });
});

describe("gantry-agent run against an edge that refuses it", () => {
  it("exits 4, without reconnecting, when the edge refuses its protocol version", async () => {
    const edge = await fakeEdge({
      onHello: (ws, hello) => {
        ws.send(
          JSON.stringify({
            v: PROTOCOL_VERSION,
            id: "refusal",
            type: "error",
            code: "UNSUPPORTED_VERSION",
            message: "no common protocol version",
            ref: hello.id,
          }),
        );
        ws.close(CLOSE_CODES.versionRefused, "protocol version refused");
      },
    });
    const agent = runAgent(edge.url);
    expect(await agent.exited).toBe(EXIT.protocolRefused);
    expect(agent.tail()).toContain(`gantry-agent: the edge refused protocol version ${PROTOCOL_VERSION}`);
    expect(edge.seen.hellos.map((h) => h.protocols)).toEqual([SUPPORTED_PROTOCOL_VERSIONS]);
    expect(edge.seen.upgrades).toBe(1);
    expect(edge.seen.badFrames).toEqual([]);
  });

  it("exits 3, without reconnecting, when the edge closes with revoked", async () => {
    const edge = await fakeEdge({
      onHello: (ws) => ws.close(CLOSE_CODES.revoked, "revoked"),
    });
    const agent = runAgent(edge.url);
    expect(await agent.exited).toBe(EXIT.credentialRejected);
    expect(agent.tail()).toContain("gantry-agent: the agent was revoked by an administrator");
    expect(edge.seen.upgrades).toBe(1);
  });

  it("exits 3 when the edge refuses the credential at the upgrade", async () => {
    const edge = await fakeEdge({ refuseUpgrade: 403 });
    const agent = runAgent(edge.url);
    expect(await agent.exited).toBe(EXIT.credentialRejected);
    expect(agent.tail()).toContain("the edge refused the agent credential (HTTP 403)");
    expect(edge.seen.upgrades).toBe(1);
    expect(edge.seen.hellos).toEqual([]);
  });

  it("keeps reconnecting instead of exiting when the edge merely drops the socket", async () => {
    let thirdHello: () => void = () => {};
    const reconnectedTwice = new Promise<void>((resolve) => {
      thirdHello = resolve;
    });
    const edge = await fakeEdge({
      onHello: (ws) => {
        if (edge.seen.hellos.length === 3) thirdHello();
        ws.terminate();
      },
    });
    const agent = runAgent(edge.url);
    const first = await Promise.race([
      reconnectedTwice.then(() => "reconnected twice"),
      agent.exited.then((code) => `exited ${code}`),
    ]);
    expect(first).toBe("reconnected twice");
  });
});
