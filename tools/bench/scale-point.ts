import { PROVISIONING_STAGES, type ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";
import type { BenchAgent, Grant } from "./bench-agent.ts";
import { between, mapLimit, sleep } from "./concurrency.ts";
import { assertSiteIdle, drainSite } from "./drain.ts";
import type { EdgeClient } from "./edge-client.ts";
import { schedTimes } from "./proc-stats.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";
import { SCALE_AGENT_CAPACITY, type ScaleSite } from "./scale-fleet.ts";
import { type Percentiles, percentiles } from "./stats.ts";

/** One point of a scale curve: jobs in flight at once, sockets watching each request. */
export interface ScalePointOptions {
  inFlight: number;
  watchers: number;
  /** requests of the point, spread round-robin over the sites it uses */
  requests: number;
}

export interface ScalePoint extends ScalePointOptions {
  sites: number;
  agents: number;
  /** pushed frames measured: 6 per request (5 stages, the terminal frame) per watcher */
  deliveries: number;
  /** stage/terminal frame, agent send → every watcher's receive, ms */
  push: Percentiles;
  /** agent send → hub ack (fencing + D1 append, before the fan-out), ms */
  hubAck: Percentiles;
  updatesPerSecond: number;
  edgeCpuMsPerUpdate: number;
  edgeCpuWaitMsPerUpdate: number;
  /** D1 calls and rows written while the jobs ran, per update the agents sent */
  d1CallsPerUpdate: number;
  d1RowsPerUpdate: number;
  /** D1 calls and rows written from the first submit to the last terminal frame, per request */
  d1CallsPerRequest: number;
  d1RowsPerRequest: number;
  /**
   * missing: frames a watcher never received; unacked: frames the hubs had not acked 30 s after the last
   * job ended; leftover: jobs the hubs still held after the point (ended by a drain); hub: agents' errors
   */
  errors: { missing: number; unacked: number; leftover: number; hub: string[]; http: number; total: number };
  measuredMs: number;
}

const HubJobs = z.object({ jobs: z.array(z.object({ state: z.string() })) });
const HubAgents = z.object({ agents: z.array(z.object({ connected: z.boolean() })) });
const CaughtUp = z.object({ caughtUp: z.boolean(), events: z.number(), error: z.string().nullable() });
const Meter = z.object({ rowsWritten: z.number(), callMs: z.object({ count: z.number() }) });
const UPDATES_PER_REQUEST = 6;
const RECEIVE_TIMEOUT_MS = 15_000;
const STALL_MS = 60_000;
const ACK_WAIT_MS = 30_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The sites and agents a point uses: at most one job per site when fewer jobs than sites are in flight. */
function plan(fleet: readonly ScaleSite[], inFlight: number) {
  const sites = fleet.slice(0, Math.min(inFlight, fleet.length));
  const perSite = Math.ceil(inFlight / sites.length);
  const agentsPerSite = Math.ceil(perSite / SCALE_AGENT_CAPACITY);
  const capacity = Math.ceil(perSite / agentsPerSite);
  const used = sites.map((site) => {
    const agents = site.agents.slice(0, agentsPerSite);
    if (agents.length < agentsPerSite)
      throw new Error(`site ${site.siteId} has ${site.agents.length} agents, ${agentsPerSite} needed`);
    return { site, agents };
  });
  return { used, capacity };
}

/**
 * One point: queues `requests` auto-approved requests over the fleet's sites while no agent is
 * connected and opens `watchers` progress sockets on each, then connects the agents (capacity set so
 * that `inFlight` jobs run at once) and drives each job's stages `stageGapMs` apart (0.5–3.5 s: a fast
 * real run). D1 is metered from the first submit (sockets' snapshots included) to the last frame; the
 * edge's CPU from the agents' connect to the last frame.
 */
export async function runScalePoint(input: {
  fleet: readonly ScaleSite[];
  /** progress sockets of the watchers: viewers of the fleet's tenants, at most 10 sockets each */
  viewerCookies: (site: ScaleSite) => readonly string[];
  meter: EdgeClient;
  edgePid: number;
  /** the pause before each stage, a random ms in [min, max) */
  stageGapMs: [number, number];
  options: ScalePointOptions;
  label: string;
}): Promise<ScalePoint> {
  const { options, meter } = input;
  const { used, capacity } = plan(input.fleet, options.inFlight);
  const viewerCookie = (site: ScaleSite, watcher: number) => {
    const cookies = input.viewerCookies(site);
    return cookies[watcher % cookies.length] ?? site.client.memberCookie;
  };
  const agents = used.flatMap((u) => u.agents);
  for (const { site } of used) await assertSiteIdle(meter, site.siteId);
  const clients = [...new Set(used.map((u) => u.site.client))];
  const httpBefore = clients.reduce((n, c) => n + c.errors, 0);

  // the notifications of the point before (up to a thousand READYs) must not run inside this one
  const notifier = await meter.dev("POST", "/agent/dev/bench/notifier/catch-up", CaughtUp, {});
  if (!notifier.caughtUp)
    throw new Error(
      `the notifier did not catch up on the log before ${input.label} (${notifier.events} events read; ${notifier.error ?? "no error"})`,
    );
  await meter.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});
  const names = Array.from({ length: options.requests }, (_, i) => `${input.label}-${i}`);
  const created = await mapLimit(names, 8, async (name, i) => {
    const site = used[i % used.length]?.site;
    if (!site) throw new Error("a scale point needs a site");
    return { site, ...(await site.client.create(name, "M", site.projectId)) };
  });
  // every watcher is on the page before the run starts, as people waiting for their VM are; a storm of
  // sockets opened at the moment 1,000 jobs are granted would be a different (and unrealistic) load
  const watching = new Map<string, ProgressSubscriber[]>();
  await mapLimit(
    created.flatMap((c) =>
      Array.from({ length: options.watchers }, (_, w) => ({ ...c, cookie: viewerCookie(c.site, w) })),
    ),
    16,
    async ({ requestId, cookie }) => {
      const subscriber = await ProgressSubscriber.open({ edgeUrl: meter.baseUrl, requestId, cookie });
      watching.set(requestId, [...(watching.get(requestId) ?? []), subscriber]);
    },
  );
  const submitted = await meter.dev("GET", "/agent/dev/bench/d1-meter", Meter);

  const push: number[] = [];
  const counts = { missing: 0, finished: 0 };
  const failures: string[] = [];
  const jobs: Promise<void>[] = [];
  let lastFinish = performance.now();
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const drive = async (agent: BenchAgent, grant: Grant) => {
    const { job } = grant;
    const watchers = watching.get(job.requestId) ?? [];
    if (watchers.length !== options.watchers) throw new Error(`${job.requestId} is not one of this point's`);
    const sent = new Map<ProvisioningStage, number>();
    for (const stage of PROVISIONING_STAGES) {
      await sleep(between(...input.stageGapMs));
      await agent.turn();
      sent.set(stage, agent.sendStage(job.jobId, stage));
    }
    await agent.turn();
    const result = agent.sendSucceeded(job.jobId, { vmName: job.vmName, hostname: job.hostname });
    await Promise.all(watchers.map((w) => w.until((r) => r.terminal !== null, RECEIVE_TIMEOUT_MS)));
    await Promise.all(watchers.map((w) => w.close()));
    for (const w of watchers) {
      const receipts = [...sent].map(([stage, at]) => [w.receipts.stages.get(stage), at] as const);
      for (const [received, at] of [...receipts, [w.receipts.terminal ?? undefined, result] as const]) {
        if (received === undefined) counts.missing += 1;
        else push.push(received - at);
      }
    }
  };
  let grants = 0;
  const onGrant = (agent: BenchAgent) => (grant: Grant) => {
    grants += 1;
    jobs.push(
      drive(agent, grant)
        .catch((error: unknown) => {
          counts.missing += UPDATES_PER_REQUEST * options.watchers;
          if (failures.length < 5) failures.push(`${grant.job.requestId}: ${String(error)}`);
          if (!agent.finished(grant.job.jobId))
            agent.sendSucceeded(grant.job.jobId, { vmName: grant.job.vmName, hostname: grant.job.hostname });
        })
        .finally(() => {
          counts.finished += 1;
          lastFinish = performance.now();
          if (counts.finished === options.requests) allDone();
        }),
    );
  };

  // an agent stopped a moment ago (the last point, a drain) may still count as connected at its hub,
  // which refuses a second live connection of the same agent: wait until the hubs saw them go
  for (let i = 0; i < 40; i++) {
    const statuses = await Promise.all(
      used.map((u) => meter.dev("GET", `/agent/dev/sites/${u.site.siteId}/status`, HubAgents)),
    );
    if (!statuses.some((st) => st.agents.some((a) => a.connected))) break;
    await sleep(250);
  }
  for (const agent of agents) {
    agent.errors = [];
    agent.ackMs.length = 0;
    agent.setCapacity(capacity);
  }
  await meter.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});
  const schedBefore = await schedTimes(input.edgePid, "workerd");
  const measuring = performance.now();
  await Promise.all(agents.map((a) => a.start(onGrant(a))));
  // no job ends for a whole job's length at the start: a stall is a minute longer than the slowest job
  const stallMs = STALL_MS + PROVISIONING_STAGES.length * input.stageGapMs[1];
  const stalled = new Promise<never>((_, reject) => {
    const timer = setInterval(() => {
      if (counts.finished === options.requests) clearInterval(timer);
      else if (performance.now() - lastFinish > stallMs) {
        clearInterval(timer);
        const errors = agents.flatMap((a) => a.errors).slice(0, 5);
        reject(
          new Error(
            `scale point stalled: ${counts.finished}/${options.requests} finished; ${[...failures, ...errors].join("; ")}`,
          ),
        );
      }
    }, 5000);
  });
  try {
    await Promise.race([done, stalled]);
  } catch (error) {
    // what the hubs hold: queued, offered or leased, per site, for the report
    const held = await Promise.all(
      used.map(async (u) => {
        const { jobs } = await meter.dev("GET", `/agent/dev/sites/${u.site.siteId}/status`, HubJobs);
        const states: Record<string, number> = {};
        for (const j of jobs) states[j.state] = (states[j.state] ?? 0) + 1;
        return `${u.site.siteId} ${JSON.stringify(states)}`;
      }),
    );
    const grantedNow = agents.map((a) => a.pendingAcks).reduce((a, b) => a + b, 0);
    let drained = 0;
    for (const u of used) drained += await drainSite(meter, u.agents, u.site.siteId);
    throw new Error(
      `${String(error)}; ${grants} granted, ${grantedNow} frames unacked; hubs: ${held.join(", ")} (ended ${drained} leftover jobs)`,
    );
  }
  await Promise.all(jobs);
  await Promise.all([...watching.values()].flat().map((w) => w.close()));
  const measuredMs = performance.now() - measuring;
  const schedAfter = await schedTimes(input.edgePid, "workerd");
  const ran = await meter.dev("GET", "/agent/dev/bench/d1-meter", Meter);
  // the hubs may still be working through the last frames of a big point: give them time to ack
  const ackDeadline = performance.now() + ACK_WAIT_MS;
  while (agents.some((a) => a.pendingAcks > 0) && performance.now() < ackDeadline) await sleep(100);
  const unacked = agents.reduce((n, a) => n + a.pendingAcks, 0);
  for (const agent of agents) agent.stop();
  // a job whose result never reached its hub would hold the site for the next point: end it, count it
  let leftover = 0;
  for (const u of used) leftover += await drainSite(meter, u.agents, u.site.siteId);

  const updates = options.requests * UPDATES_PER_REQUEST;
  const http = clients.reduce((n, c) => n + c.errors, 0) - httpBefore;
  const hub = [...failures, ...agents.flatMap((a) => a.errors)];
  return {
    ...options,
    sites: used.length,
    agents: agents.length,
    deliveries: push.length,
    push: percentiles(push),
    hubAck: percentiles(agents.flatMap((a) => a.ackMs)),
    updatesPerSecond: round1((updates / measuredMs) * 1000),
    edgeCpuMsPerUpdate: round1((schedAfter.runMs - schedBefore.runMs) / updates),
    edgeCpuWaitMsPerUpdate: round1((schedAfter.waitMs - schedBefore.waitMs) / updates),
    d1CallsPerUpdate: round1(ran.callMs.count / updates),
    d1RowsPerUpdate: round1(ran.rowsWritten / updates),
    d1CallsPerRequest: round1((submitted.callMs.count + ran.callMs.count) / options.requests),
    d1RowsPerRequest: round1((submitted.rowsWritten + ran.rowsWritten) / options.requests),
    errors: {
      missing: counts.missing,
      unacked,
      leftover,
      hub: hub.slice(0, 10),
      http,
      total: counts.missing + unacked + leftover + hub.length + http,
    },
    measuredMs: Math.round(measuredMs),
  };
}
