import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { AgentToEdge, EdgeToAgent, FrameBody } from "@gantry/shared/protocol/agent";
import { parseEdgeFrame } from "@gantry/shared/protocol/agent-parse";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { siteHub } from "../src/stubs.ts";
import { newEnrollmentToken } from "../src/tenancy/enrollment.ts";

const ORIGIN = "http://edge.test";

export const hubOf = (siteId: string) => siteHub(env, siteId);

let counter = 0;
/** A site id no other test uses, so each test gets its own hub. */
export const freshSite = (label: string) => `site-${label}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;

/** A token stored directly, as an admin's would be (without its audit event: tests of the hub need none). */
export async function newToken(siteId: string, now = Date.now()) {
  const { token, insert } = await newEnrollmentToken(env.DB, {
    tenantId: "tenant-a",
    siteId,
    createdBy: "admin@test",
    now,
  });
  await insert.run();
  return token;
}

export async function enroll(token: string, name = "agent-1") {
  return exports.default.fetch(`${ORIGIN}/agent/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, name }),
  });
}

export async function enrolledAgent(siteId: string, name = "agent-1") {
  const token = await newToken(siteId);
  const res = await enroll(token.token, name);
  const body = await res.json<{ agentId: string; credential: string }>();
  return body;
}

/** A test-side agent socket: sends frames, awaits frames by type, remembers everything received. */
export interface TestAgent {
  ws: WebSocket;
  received: EdgeToAgent[];
  send(body: FrameBody<AgentToEdge> & { id?: string }): string;
  sendRaw(raw: string | ArrayBuffer): void;
  next<TType extends EdgeToAgent["type"]>(
    type: TType,
    timeoutMs?: number,
  ): Promise<Extract<EdgeToAgent, { type: TType }>>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openSocket(credential: string | null): Promise<Response> {
  const headers: Record<string, string> = { Upgrade: "websocket" };
  if (credential) headers.Authorization = `Bearer ${credential}`;
  return exports.default.fetch(`${ORIGIN}/agent/connect`, { headers });
}

export async function connectAgent(credential: string): Promise<TestAgent> {
  const res = await openSocket(credential);
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const received: EdgeToAgent[] = [];
  const waiters: { type: string; resolve: (f: EdgeToAgent) => void }[] = [];
  let consumed = 0;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") return;
    const parsed = parseEdgeFrame(e.data);
    if (!parsed.ok) throw new Error(`hub sent an invalid frame: ${e.data}`);
    received.push(parsed.value);
    const i = waiters.findIndex((w) => w.type === parsed.value.type);
    const waiter = waiters[i];
    if (waiter) {
      waiters.splice(i, 1);
      consumed = received.length;
      waiter.resolve(parsed.value);
    }
  });
  const agent: TestAgent = {
    ws,
    received,
    send(body) {
      const id = body.id ?? crypto.randomUUID();
      ws.send(JSON.stringify({ v: 1, ...body, id }));
      return id;
    },
    sendRaw: (raw) => ws.send(raw),
    next(type, timeoutMs = 5000) {
      const already = received.slice(consumed).find((f) => f.type === type);
      if (already) {
        consumed = received.indexOf(already) + 1;
        return Promise.resolve(already as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          type,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f as never);
          },
        });
      });
    },
    closed,
  };
  return agent;
}

/** Says hello as an agent of protocol 1 (the oldest the edge serves) unless told otherwise. */
export async function helloAgent(
  credential: string,
  opts: {
    capacity?: number;
    running?: { jobId: string; epoch: number }[];
    calls?: string[];
    protocols?: number[];
  } = {},
) {
  const agent = await connectAgent(credential);
  agent.send({
    type: "hello",
    agent: { version: "0.1.0-test" },
    protocols: opts.protocols ?? [1],
    capacity: opts.capacity ?? 1,
    draining: false,
    running: opts.running ?? [],
    ...(opts.calls ? { calls: opts.calls } : {}),
  });
  const welcome = await agent.next("welcome");
  return { agent, welcome };
}

export const testJob = (jobId: string, requestId = `req-${jobId}`) => ({
  kind: "provision-vm" as const,
  jobId,
  requestId,
  tenantSlug: "acme",
  projectSlug: "web",
  vmName: `web-${jobId}`.slice(0, 80),
  hostname: "app01",
  cpu: 2,
  memoryMb: 2048,
  diskGb: 20,
  networkPath: "/DC0/network/VM Network",
  placement: {
    datacenterPath: "/DC0",
    templatePath: "/DC0/vm/ubuntu",
    folderPath: "/DC0/vm/gantry",
    poolPath: "/DC0/host/DC0_C0",
  },
  annotation: "test",
});

/** Waits for the offer of `jobId`, accepts it and resolves with the grant. */
export async function takeJob(agent: TestAgent, jobId: string) {
  const offer = await agent.next("job.offer");
  if (offer.jobId !== jobId) throw new Error(`offered ${offer.jobId}, expected ${jobId}`);
  agent.send({ type: "job.accept", jobId });
  return agent.next("job.granted");
}

/** Moves every lease and offer deadline of a hub into the past, as if hub time had passed. */
export async function expireDeadlines(siteId: string) {
  await runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    state.storage.sql.exec("UPDATE jobs SET lease_expires_at = 1 WHERE state = 'leased'");
    state.storage.sql.exec("UPDATE jobs SET offer_expires_at = 1 WHERE state = 'offered'");
  });
}

/** Moves every job's first grant far enough back that it ran past the hub's maximum job duration. */
export async function overrunJobs(siteId: string) {
  await runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    state.storage.sql.exec("UPDATE jobs SET first_granted_at = 1 WHERE first_granted_at IS NOT NULL");
  });
}

/** Moves the deadline by which stopped jobs' agents must report into the past. */
export async function expireStopDeadlines(siteId: string) {
  await runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
    state.storage.sql.exec("UPDATE jobs SET stop_deadline = 1 WHERE stop_deadline IS NOT NULL");
  });
}
