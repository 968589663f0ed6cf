import { monitorEventLoopDelay } from "node:perf_hooks";
import { PROVISIONING_STAGES, type ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";
import { BenchAgent, type Grant } from "./bench-agent.ts";
import { between, mapLimit, sleep } from "./concurrency.ts";
import { assertSiteIdle, drainSite } from "./drain.ts";
import type { EdgeClient } from "./edge-client.ts";
import { pollUntilDone } from "./poller.ts";
import { schedTimes } from "./proc-stats.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";
import { type Percentiles, percentiles } from "./stats.ts";

export interface LatencyOptions {
  inFlight: number;
  /** approved requests per run; each gives 6 pushed updates (5 stages and the terminal frame) */
  requests: number;
  /**
   * "paced": stages 0.5–3.5 s apart, like a (fast) real run, with a 3-second poller beside every socket.
   * "back-to-back": each stage as soon as the previous one arrived, to get ≥ 1,000 updates quickly.
   */
  pacing: "paced" | "back-to-back";
  /** paced runs: every n-th request also gets a 3-second poller (0: none) */
  pollEvery: number;
}

export interface LatencyRun {
  push: Percentiles;
  /** agent send → hub ack: the part of `push` spent before the progress fan-out (fencing + D1 append) */
  ack: Percentiles;
  /** per update: each stage (READY is pushed but not recorded as an event) and the terminal frame */
  byUpdate: Record<string, Percentiles>;
  poller: { latency: Percentiles; seen: number; missed: number; polls: number } | null;
  /** updates a subscriber never received, frames never acked, hub error frames, failed API calls */
  errors: { missing: number; unacked: number; hub: string[]; http: number };
  /** the measured part: agents connected → last update received */
  measuredMs: number;
  /** updates the hub was offered per second of the measured part */
  updatesPerSecond: number;
  /** CPU the edge's workerd processes spent per update (everything: Worker, both objects, local D1) */
  edgeCpuMsPerUpdate: number;
  /** edge CPU ÷ wall time of the measured part: 1.0 = one core busy all the time */
  edgeCpuCores: number;
  /** time the edge's threads were ready to run but waited for a CPU, per update: contention, not work */
  edgeCpuWaitMsPerUpdate: number;
  /** D1 calls (batch/run/all) the edge made while measuring: how many per update and their wall time, ms */
  d1: { callsPerUpdate: number; callP50: number; callP99: number };
  /** p99 delay of the bench's own event loop while measuring: the share of any figure that is ours */
  benchLoopDelayP99Ms: number;
  wallMs: number;
}

interface Sent {
  stages: Map<ProvisioningStage, number>;
  result: number;
}

const AGENT_CAPACITY = 25;
const Meter = z.object({
  callMs: z.object({ count: z.number(), p50: z.number().nullable(), p99: z.number().nullable() }),
});
const RECEIVE_TIMEOUT_MS = 10_000;

/** Enrolled once per scenario; each run connects them after its requests are queued. */
export async function enrollBenchAgents(edgeUrl: string, inFlight: number, label: string) {
  const count = Math.ceil(inFlight / AGENT_CAPACITY);
  const capacity = Math.ceil(inFlight / count);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      BenchAgent.enroll({ edgeUrl, name: `bench-${label}-${i + 1}`, capacity }),
    ),
  );
}

/**
 * One run: queues `requests` approved requests while no agent is connected, then connects the bench
 * agents (at most `inFlight` jobs at once) and drives every job's stages, measuring send → receive.
 */
export async function runLatency(
  client: EdgeClient,
  agents: readonly BenchAgent[],
  options: LatencyOptions & { run: number; edgePid: number; siteId: string },
): Promise<LatencyRun> {
  const started = performance.now();
  await assertSiteIdle(client, options.siteId);
  const httpBefore = client.errors;
  const names = Array.from(
    { length: options.requests },
    (_, i) => `lat${options.inFlight}-${options.run}-${i}`,
  );
  await mapLimit(names, 8, (name) => client.submitApproved(name));

  const push: number[] = [];
  const byUpdate = new Map<string, number[]>();
  const record = (update: string, ms: number) => {
    push.push(ms);
    byUpdate.set(update, [...(byUpdate.get(update) ?? []), ms]);
  };
  const pollerLatency: number[] = [];
  const counts = { missing: 0, seen: 0, missed: 0, polls: 0 };
  const jobs: Promise<void>[] = [];
  let finished = 0;
  let grants = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const drive = async (agent: BenchAgent, grant: Grant) => {
    const grantIndex = grants++;
    const { job } = grant;
    const subscriber = await ProgressSubscriber.open({
      edgeUrl: client.baseUrl,
      requestId: job.requestId,
      cookie: client.memberCookie,
    });
    const stopPolling = new AbortController();
    const polled =
      options.pacing === "paced" && options.pollEvery > 0 && grantIndex % options.pollEvery === 0;
    const poller = polled
      ? pollUntilDone(client, { requestId: job.requestId, signal: stopPolling.signal })
      : null;
    const sent: Sent = { stages: new Map(), result: 0 };
    for (const stage of PROVISIONING_STAGES) {
      // paced: every stage, the first included, comes 0.5–3.5 s after the previous step, so the jobs
      // granted together when the agents connect do not all report CLONING in the same instant
      if (options.pacing === "paced") await sleep(between(500, 3500));
      await agent.turn();
      sent.stages.set(stage, agent.sendStage(job.jobId, stage));
      // the real agent reports READY and its result back to back
      if (options.pacing === "back-to-back" && stage !== "READY")
        await subscriber.until((r) => r.stages.has(stage), RECEIVE_TIMEOUT_MS);
    }
    await agent.turn();
    sent.result = agent.sendSucceeded(job.jobId, { vmName: job.vmName, hostname: job.hostname });
    await subscriber.until((r) => r.terminal !== null, RECEIVE_TIMEOUT_MS);
    await subscriber.close();

    for (const [stage, at] of sent.stages) {
      const received = subscriber.receipts.stages.get(stage);
      if (received === undefined) counts.missing += 1;
      else record(stage, received - at);
    }
    const terminal = subscriber.receipts.terminal;
    if (terminal === null) counts.missing += 1;
    else record("terminal", terminal - sent.result);

    if (poller) {
      // a poller that has not seen READY 15 s after the result never will
      const timer = setTimeout(() => stopPolling.abort(), 15_000);
      const view = await poller;
      clearTimeout(timer);
      counts.polls += view.polls;
      for (const stage of PROVISIONING_STAGES.filter((s) => s !== "READY")) {
        const seen = view.stages.get(stage);
        const at = sent.stages.get(stage);
        if (seen === undefined || at === undefined) counts.missed += 1;
        else {
          counts.seen += 1;
          pollerLatency.push(seen - at);
        }
      }
      if (view.ready === null) counts.missed += 1;
      else {
        counts.seen += 1;
        pollerLatency.push(view.ready - sent.result);
      }
    }
  };

  const failures: string[] = [];
  let lastFinish = performance.now();
  const onGrant = (agent: BenchAgent) => (grant: Grant) => {
    jobs.push(
      drive(agent, grant)
        .catch((error: unknown) => {
          counts.missing += 6;
          if (failures.length < 5) failures.push(`${grant.job.requestId}: ${String(error)}`);
          // a job that never sends its result holds a slot forever; end it so the run goes on
          if (!agent.finished(grant.job.jobId))
            agent.sendSucceeded(grant.job.jobId, { vmName: grant.job.vmName, hostname: grant.job.hostname });
        })
        .finally(() => {
          finished += 1;
          lastFinish = performance.now();
          if (finished === options.requests) allDone();
        }),
    );
  };
  for (const agent of agents) {
    agent.errors = [];
    agent.ackMs.length = 0;
  }
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  await client.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});
  const schedBefore = await schedTimes(options.edgePid, "workerd");
  const measuring = performance.now();
  await Promise.all(agents.map((agent) => agent.start(onGrant(agent))));
  // a run where no job finishes for a minute is stuck; say where instead of waiting forever
  const stalled = new Promise<never>((_, reject) => {
    const timer = setInterval(() => {
      if (finished === options.requests) clearInterval(timer);
      else if (performance.now() - lastFinish > 60_000) {
        clearInterval(timer);
        for (const agent of agents) agent.stop();
        const errors = agents.flatMap((a) => a.errors).slice(0, 5);
        reject(
          new Error(
            `latency run stalled: ${finished}/${options.requests} finished, ${grants} granted; ${[...failures, ...errors].join("; ")}`,
          ),
        );
      }
    }, 5000);
  });
  try {
    await Promise.race([done, stalled]);
  } catch (error) {
    const drained = await drainSite(client, agents, options.siteId);
    throw new Error(`${String(error)} (ended ${drained} leftover jobs)`);
  }
  await Promise.all(jobs);
  const measuredMs = performance.now() - measuring;
  const schedAfter = await schedTimes(options.edgePid, "workerd");
  const edgeCpu = schedAfter.runMs - schedBefore.runMs;
  const edgeWait = schedAfter.waitMs - schedBefore.waitMs;
  loopDelay.disable();
  const d1 = (await client.dev("GET", "/agent/dev/bench/d1-meter", Meter)).callMs;
  // the last acks may still be on their way
  for (let i = 0; i < 50 && agents.some((a) => a.pendingAcks > 0); i++) await sleep(100);
  for (const agent of agents) agent.stop();

  return {
    push: percentiles(push),
    ack: percentiles(agents.flatMap((a) => a.ackMs)),
    byUpdate: Object.fromEntries([...byUpdate].map(([update, ms]) => [update, percentiles(ms)])),
    poller:
      counts.seen + counts.missed > 0
        ? {
            latency: percentiles(pollerLatency, 0),
            seen: counts.seen,
            missed: counts.missed,
            polls: counts.polls,
          }
        : null,
    errors: {
      missing: counts.missing,
      unacked: agents.reduce((n, a) => n + a.pendingAcks, 0),
      hub: agents.flatMap((a) => a.errors),
      http: client.errors - httpBefore,
    },
    measuredMs: Math.round(measuredMs),
    updatesPerSecond: Math.round((push.length / measuredMs) * 10_000) / 10,
    edgeCpuMsPerUpdate: Math.round((edgeCpu / push.length) * 10) / 10,
    edgeCpuCores: Math.round((edgeCpu / measuredMs) * 100) / 100,
    edgeCpuWaitMsPerUpdate: Math.round((edgeWait / push.length) * 10) / 10,
    d1: {
      callsPerUpdate: Math.round((d1.count / push.length) * 10) / 10,
      callP50: d1.p50 ?? Number.NaN,
      callP99: d1.p99 ?? Number.NaN,
    },
    benchLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    wallMs: Math.round(performance.now() - started),
  };
}
