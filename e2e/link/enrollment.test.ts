import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentOptions,
  type AgentProcess,
  enrollNewAgent,
  newStateDir,
  runAgentCli,
  startAgent,
} from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

const SITE = { tenantId: "acme", siteId: "site-acme-vcsim" };
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
const running: AgentProcess[] = [];
const start = (options: AgentOptions) => {
  const agent = startAgent(options);
  running.push(agent);
  return agent;
};

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({
      leaseTtlMs: 6000,
      renewIntervalMs: 1000,
      tokens: [SITE, SITE, { ...SITE, expired: true }, SITE, SITE],
    }),
    LinkVcsim.start({ guestBootDelayMs: 300 }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

describe("gantry-agent enroll (real edge)", () => {
  it("exchanges a token for a credential saved with mode 0600, then connects", async () => {
    const stateDir = newStateDir("enroll");
    const enrolled = await runAgentCli([
      "enroll",
      "--edge",
      edge.url,
      "--token",
      tokens[0] ?? "",
      "--name",
      "lab-1",
      "--state-dir",
      stateDir,
    ]);
    expect(enrolled.code).toBe(0);
    expect(enrolled.output).toMatch(/enrolled agent .* for site site-acme-vcsim/);
    expect(statSync(path.join(stateDir, "agent.json")).mode & 0o777).toBe(0o600);
    const agent = start({ name: "lab-1", stateDir, vcenter: vcsim.agentConfig(stateDir) });
    await agent.waitForLog("connected to edge");
    const health = await agent.waitForLog("health endpoint listening");
    const res = await fetch(`http://127.0.0.1:${health.port}/healthz`);
    expect(await res.json()).toMatchObject({ connected: true, jobsInFlight: 0, draining: false });
    const doctor = await runAgentCli([
      "doctor",
      "--config",
      path.join(stateDir, "config.json"),
      "--template",
      vcsim.handle.templatePath,
    ]);
    expect(doctor.output).toMatch(
      /PASS {2}edge reachable[\s\S]*PASS {2}credential accepted[\s\S]*PASS {2}vcenter login[\s\S]*PASS {2}vcenter template/,
    );
    expect(doctor.code).toBe(0);
    await agent.stop();
  });

  it("refuses a token the second time and exits non-zero with a clear message", async () => {
    const first = await runAgentCli([
      "enroll",
      "--edge",
      edge.url,
      "--token",
      tokens[1] ?? "",
      "--state-dir",
      newStateDir("reuse1"),
    ]);
    expect(first.code).toBe(0);
    const second = await runAgentCli([
      "enroll",
      "--edge",
      edge.url,
      "--token",
      tokens[1] ?? "",
      "--state-dir",
      newStateDir("reuse2"),
    ]);
    expect(second.code).toBe(3);
    expect(second.output).toContain("invalid, already used or expired");
  });

  it("refuses an expired token", async () => {
    const res = await runAgentCli([
      "enroll",
      "--edge",
      edge.url,
      "--token",
      tokens[2] ?? "",
      "--state-dir",
      newStateDir("expired"),
    ]);
    expect(res.code).toBe(3);
  });

  it("revoking an agent closes its socket at once and it exits non-zero, refused on restart", async () => {
    const stateDir = newStateDir("revoke");
    await runAgentCli(["enroll", "--edge", edge.url, "--token", tokens[3] ?? "", "--state-dir", stateDir]);
    const agent = start({ name: "revoked", stateDir });
    const connected = await agent.waitForLog("connected to edge");
    // the hub closed the agent's socket before the revocation answered (no waiting for a heartbeat or a
    // presence refresh), and the agent learnt it from that close, not from a refused reconnect
    expect(await edge.revoke(String(connected.agentId))).toMatchObject({ confirmed: true });
    await agent.waitForLog("the agent was revoked by an administrator");
    expect(agent.proc.tail()).not.toMatch(/reconnect/);
    expect(await agent.proc.exited).toBe(3);
    const again = start({ name: "revoked-again", stateDir });
    await again.waitForLog(/refused the agent credential \(HTTP 401\)/);
    expect(await again.proc.exited).toBe(3);
  });

  it("gantry-agent rotate saves a new credential the agent connects with; then the old one is refused", async () => {
    const stateDir = await enrollNewAgent("rotate", edge.url, tokens[4] ?? "");
    const credentialIn = () =>
      (JSON.parse(readFileSync(path.join(stateDir, "agent.json"), "utf8")) as { credential: string })
        .credential;
    const old = credentialIn();
    const rotated = await runAgentCli(["rotate", "--state-dir", stateDir]);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toMatch(/new credential for agent .* saved in/);
    expect(credentialIn()).not.toBe(old);
    expect(statSync(path.join(stateDir, "agent.json")).mode & 0o777).toBe(0o600);

    const agent = start({ name: "rotated", stateDir });
    await agent.waitForLog("connected to edge");
    // the edge kept the old credential until the new one connected; from then on it is refused
    const withOld = await fetch(new URL("/agent/rotate", edge.url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${old}` },
      body: "{}",
    });
    expect(withOld.status).toBe(401);
    await agent.stop();
  });
});
