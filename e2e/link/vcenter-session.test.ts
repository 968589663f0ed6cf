import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { BrowserSession } from "./support/browser-session.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// the seeded tenant, project and site of edge/local/seed.sql
const tenantId = "acme";
const siteId = "site-acme-vcsim";
const projectId = "proj-acme-web";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
let agent: AgentProcess;
let alice: BrowserSession;
let adam: BrowserSession;

// a clone of 3 s: long enough to end vCenter's session in the middle of it. The agent logs in with an
// account of its own, so faults injected into Login hit its logins and not the test's own session
const AGENT_USER = "gantry-agent";
beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 300, taskDelaysMs: { CloneVM_Task: 3000 } }),
  ]);
  const stateDir = await enrollNewAgent("session", edge.url, tokens[0] ?? "");
  agent = startAgent({
    name: "session",
    stateDir,
    concurrency: 2,
    vcenter: vcsim.agentConfig(stateDir, AGENT_USER),
  });
  await agent.waitForLog("connected to edge");
  [alice, adam] = await Promise.all([
    BrowserSession.signIn(edge.url, "alice@acme.test"),
    BrowserSession.signIn(edge.url, "adam@acme.test"),
  ]);
});
afterEach(async () => {
  await vcsim.handle.control.clearFaults();
});
afterAll(async () => {
  await agent?.stop();
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

const Created = z.object({ requestId: z.string(), version: z.number() });
const Detail = z
  .object({
    request: z.object({ status: z.string() }).loose(),
    timeline: z.array(
      z.object({ kind: z.string(), title: z.string(), detail: z.string().nullable() }).loose(),
    ),
  })
  .loose();

/** Requests and approves a VM; resolves once the agent has asked vCenter for the clone. */
async function approvedAndCloning(name: string): Promise<string> {
  const created = Created.parse(
    await alice.mutation("requests.create", {
      idempotencyKey: crypto.randomUUID(),
      projectId,
      name,
      size: "S",
      justification: "vCenter's session ends in the middle of the clone",
    }),
  );
  await adam.mutation("approvals.approve", {
    requestId: created.requestId,
    expectedVersion: created.version,
  });
  await agent.waitForLog(new RegExp(`"msg":"clone started".*"requestId":"${created.requestId}"`));
  return created.requestId;
}

const detail = async (requestId: string) => Detail.parse(await alice.query("requests.get", { requestId }));

/** Resolves with the request once it has ended (READY or FAILED); no request may stay in between. */
async function ended(requestId: string) {
  await expect
    .poll(async () => (await detail(requestId)).request.status, { timeout: 60_000, interval: 250 })
    .toMatch(/^(READY|FAILED)$/);
  return detail(requestId);
}

describe("vCenter's session ends during a clone", () => {
  it("the agent logs in again and the job finishes with one VM", async () => {
    const clones = await vcsim.calls("CloneVM_Task");
    const requestId = await approvedAndCloning("session01");
    expect(await vcsim.handle.control.dropSessions()).toBeGreaterThanOrEqual(1);
    const request = await ended(requestId);
    expect(request.request.status).toBe("READY");
    // the agent noticed (on its next call, or its wait for the clone) and logged in once more
    await agent.waitForLog(/"msg":"vcenter login".*"generation":2\b/);
    expect(await vcsim.vmsOf(requestId)).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });

  it("a re-login that fails once is retried: the job finishes with one VM", async () => {
    const clones = await vcsim.calls("CloneVM_Task");
    const requestId = await approvedAndCloning("session02");
    await vcsim.handle.control.injectFault({
      method: "Login",
      match: AGENT_USER,
      fault: "http500",
      count: 1,
    });
    expect(await vcsim.handle.control.dropSessions()).toBeGreaterThanOrEqual(1);
    const request = await ended(requestId);
    expect(request.request.status).toBe("READY");
    // the failed login was the agent's, and its retry adopted the clone instead of making another
    await agent.waitForLog(
      /"msg":"provisioning attempt failed; retrying".*"error":"HttpError: HTTP 500: Login/,
    );
    expect(await vcsim.vmsOf(requestId)).toEqual([expect.objectContaining({ powerState: "poweredOn" })]);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });

  it("a re-login vCenter refuses fails the request with a clear reason, and no VM is duplicated", async () => {
    const clones = await vcsim.calls("CloneVM_Task");
    const requestId = await approvedAndCloning("session03");
    // the service account's password was changed in vCenter meanwhile: every login is refused
    await vcsim.handle.control.injectFault({
      method: "Login",
      match: AGENT_USER,
      fault: "InvalidLogin",
      count: 1000,
    });
    expect(await vcsim.handle.control.dropSessions()).toBeGreaterThanOrEqual(1);
    const request = await ended(requestId);
    expect(request.request.status).toBe("FAILED");
    const failure = request.timeline.find((e) => e.kind === "PROVISIONING_FAILED");
    expect(failure?.detail).toBe("The agent could not log in to vCenter; an admin has been told.");
    // the clone went on in vCenter without the agent: its VM must not be left without an owner. The agent
    // could not look for it, so the admins' list of VMs to check by hand names it
    const leftovers = z.array(z.object({ requestId: z.string(), vmName: z.string() }).loose());
    expect(leftovers.parse(await adam.query("vms.leftovers", {}))).toContainEqual(
      expect.objectContaining({ requestId, vmName: "web-session03" }),
    );
    await expect.poll(async () => (await vcsim.vmsOf(requestId)).length, { timeout: 15_000 }).toBe(1);
    expect((await vcsim.calls("CloneVM_Task")) - clones).toBe(1);
  });
});
