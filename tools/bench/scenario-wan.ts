import path from "node:path";
import { type LocalAgent, startLocalAgent } from "@gantry/dev/local-agent";
import type { LocalStack } from "@gantry/dev/local-stack";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { assertSiteIdle } from "./drain.ts";
import type { EdgeClient } from "./edge-client.ts";
import { LogTap } from "./log-tap.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";
import { type JobTraffic, trafficByJob } from "./wan-frames.ts";
import { WanProxy } from "./wan-proxy.ts";
import { WsFrameTap } from "./ws-frame-tap.ts";

export interface WanOptions {
  /** one-way delays of the agent link to measure, ms (each a run; 0 is the baseline) */
  delaysMs: number[];
  /** ± jitter of every non-zero delay, ms */
  jitterMs: number;
  /** one-way delay of the browser's link (API calls and progress sockets), ms, at every step */
  browserDelayMs: number;
  /** VMs provisioned one at a time at each delay */
  vms: number;
  siteId: string;
}

/** One VM of one run, ms from just before `approvals.approve` unless named otherwise. */
export interface WanVm {
  toJobStart: number;
  toCloning: number;
  /** the agent sends CLONING → the browser receives it: the edge's part of approval → CLONING */
  cloningToBrowser: number;
  toReady: number;
  /** agent sends a stage (or the result) → the browser receives it (or the terminal frame), 6 per VM */
  stageToBrowser: number[];
  traffic: Omit<JobTraffic, "sentAt">;
}

export interface WanRun {
  oneWayMs: number;
  jitterMs: number;
  browserDelayMs: number;
  vms: WanVm[];
}

const STAGES = ProvisioningStage.options;

/** The agent's "job started" log line for a request: the moment before its first vCenter call. */
function jobStartedAt(log: LogTap, requestId: string): number | null {
  const line = log.grep(requestId, 200).find((l) => l.includes('"msg":"job started"'));
  const time = line?.match(/"time":"([^"]+)"/)?.[1];
  return time ? Date.parse(time) : null;
}

async function oneVm(input: {
  browser: EdgeClient;
  tap: WsFrameTap;
  log: LogTap;
  name: string;
}): Promise<WanVm> {
  const { browser, tap, log } = input;
  const created = await browser.create(input.name);
  const subscriber = await ProgressSubscriber.open({
    edgeUrl: browser.baseUrl,
    origin: browser.origin,
    requestId: created.requestId,
    cookie: browser.memberCookie,
  });
  tap.clear();
  const approvedWall = Date.now();
  const approvedAt = performance.now();
  const { jobId } = await browser.approve(created.requestId, created.version);
  const done = await subscriber.until((r) => r.terminal !== null, 120_000);
  await subscriber.close();
  const { stages, terminal } = subscriber.receipts;
  const cloning = stages.get("CLONING");
  if (!done || terminal === null || cloning === undefined)
    throw new Error(`${input.name}: no terminal frame or no CLONING within 120 s`);
  const traffic = trafficByJob(tap.messages).get(jobId);
  if (!traffic) throw new Error(`${input.name}: the proxy saw no frame of job ${jobId}`);
  // the agent logs a line just after it; give its output a moment to arrive
  let startedWall = jobStartedAt(log, created.requestId);
  for (let i = 0; startedWall === null && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    startedWall = jobStartedAt(log, created.requestId);
  }
  const stageToBrowser: number[] = [];
  for (const stage of STAGES) {
    const sent = traffic.sentAt.get(`stage:${stage}`);
    const seen = stages.get(stage);
    if (sent !== undefined && seen !== undefined) stageToBrowser.push(seen - sent);
  }
  const resultSent = traffic.sentAt.get("result");
  if (resultSent !== undefined) stageToBrowser.push(terminal - resultSent);
  const { sentAt: _, ...counts } = traffic;
  return {
    toJobStart: startedWall === null ? Number.NaN : startedWall - approvedWall,
    toCloning: cloning - approvedAt,
    cloningToBrowser: cloning - (traffic.sentAt.get("stage:CLONING") ?? Number.NaN),
    toReady: terminal - approvedAt,
    stageToBrowser,
    traffic: counts,
  };
}

/** Enrolls an agent through the edge itself (enrollment needs the admin's Origin), then stops it. */
async function enrolledStateDir(stack: LocalStack): Promise<string> {
  const stateDir = path.join(path.dirname(stack.devJsonPath), "agent-wan");
  const agent = await startLocalAgent({
    edgeUrl: stack.edgeUrl,
    vcsim: stack.vcsim,
    name: "bench-wan",
    stateDir,
  });
  await agent.stop();
  return stateDir;
}

/**
 * Provisioning over an emulated WAN: a real agent (concurrency 4, against VCSIM) reaches the edge only
 * through a delaying proxy that also reads its WebSocket frames; the browser's calls and progress socket
 * go through a second one. At each one-way delay, VMs are provisioned one at a time: approval → the
 * agent starts the job (its log), → CLONING and → READY at the browser, stage → browser, and the job's
 * frames each way with the one-way legs on its critical path.
 */
export async function runWan(stack: LocalStack, client: EdgeClient, options: WanOptions): Promise<WanRun[]> {
  await assertSiteIdle(client, options.siteId);
  const edge = new URL(stack.edgeUrl);
  const target = { host: edge.hostname, port: Number(edge.port) };
  const tap = new WsFrameTap();
  const agentLink = await WanProxy.start(target, tap.tap);
  const browserLink = await WanProxy.start(target);
  let agent: LocalAgent | null = null;
  try {
    const stateDir = await enrolledStateDir(stack);
    agent = await startLocalAgent({
      edgeUrl: agentLink.url,
      vcsim: stack.vcsim,
      name: "bench-wan",
      stateDir,
    });
    const log = new LogTap([agent.process.child.stdout, agent.process.child.stderr], 5000);
    const browser = client.via(browserLink.url);
    browserLink.setDelay({ oneWayMs: options.browserDelayMs, jitterMs: 0 });
    // the first VM pays the agent's session setup and placement lookups: not a WAN cost
    await oneVm({ browser, tap, log, name: "wan-warmup" });
    const runs: WanRun[] = [];
    for (const oneWayMs of options.delaysMs) {
      const jitterMs = oneWayMs > 0 ? Math.min(options.jitterMs, oneWayMs) : 0;
      agentLink.setDelay({ oneWayMs, jitterMs });
      const vms: WanVm[] = [];
      for (let i = 0; i < options.vms; i++)
        vms.push(await oneVm({ browser, tap, log, name: `wan-${oneWayMs}-${i}` }));
      runs.push({ oneWayMs, jitterMs, browserDelayMs: options.browserDelayMs, vms });
    }
    return runs;
  } finally {
    await agent?.stop();
    await agentLink.stop();
    await browserLink.stop();
  }
}
