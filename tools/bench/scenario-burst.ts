import path from "node:path";
import { type LocalAgent, startLocalAgent } from "@gantry/dev/local-agent";
import type { LocalStack } from "@gantry/dev/local-stack";
import { z } from "zod";
import { mapLimit, sleep } from "./concurrency.ts";
import { assertSiteIdle } from "./drain.ts";
import type { EdgeClient } from "./edge-client.ts";
import { LogTap } from "./log-tap.ts";
import { agentPid, peakRssMib } from "./proc-stats.ts";
import { ProgressSubscriber } from "./progress-subscriber.ts";

export interface BurstOptions {
  requests: number;
  agents: number;
  /** jobs each agent runs at once (its `concurrency` setting) */
  concurrency: number;
  siteId: string;
}

export interface BurstRun {
  /** where the scenario's own time went, ms: agents, submits, sockets, approvals, wait, checks */
  phasesMs: Record<string, number>;
  /** requests that did not end READY (status, stage, the agents' lines about them), failed calls, hub refusals */
  notReadyDetail: string[];
  /** first approval sent → last request READY (its terminal frame received) */
  wallMs: number;
  vmsPerMinute: number;
  d1RowsPerRequest: number;
  /** the same, by statement ("INSERT events": rows ÷ requests), largest first: what the figure is made of */
  d1RowsPerRequestByStatement: Record<string, number>;
  /** simulator calls during the burst ÷ VMs: the economy with many jobs sharing one session */
  soapPerVm: number;
  peakAgentRssMib: number;
  errors: {
    total: number;
    /** API calls that did not answer 2xx */
    http: number;
    /** requests that did not end READY with an IP */
    notReady: number;
    /** hub counters that only move on trouble (refused frames, expired leases, ...) */
    hub: Record<string, number>;
    /** error lines in the edge's output */
    edgeLog: number;
  };
}

const BURST_QUOTA = { vcpu: 1_000_000, memoryGb: 1_000_000, diskGb: 1_000_000, vms: 1_000_000 };
const NO_QUOTA = { vcpu: null, memoryGb: null, diskGb: null, vms: null };

const HubCounters = z.object({ counters: z.record(z.string(), z.number()) });
const Meter = z.object({
  rowsWritten: z.number(),
  byStatement: z.array(z.object({ statement: z.string(), rows: z.number() })),
});
// counters that move in every healthy run (each fresh agent reports its inventory once, and its drift
// watch what it sees of every VM, and a reconciliation scan when the first agent connects: only recorded
// drift is trouble)
const ROUTINE_COUNTERS = new Set([
  "leases_granted",
  "jobs_released",
  "inventory_reports",
  "vm_observations",
  "vm_scans",
]);

const troubleCounters = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .filter(([name]) => !ROUTINE_COUNTERS.has(name))
      .map(([name, v]) => [name, v - (before[name] ?? 0)] as const)
      .filter(([, delta]) => delta > 0),
  );

/**
 * A burst: `requests` requests are submitted, then all approved at once while `agents` freshly started
 * real agents serve them against the simulator. D1 rows are metered from the first submit to the end.
 */
export async function runBurst(
  stack: LocalStack,
  client: EdgeClient,
  input: { options: BurstOptions; run: number; edgeLog: LogTap },
): Promise<BurstRun> {
  const { options, run } = input;
  const hubStatus = `/agent/dev/sites/${options.siteId}/status`;
  await assertSiteIdle(client, options.siteId);
  const agents: LocalAgent[] = [];
  const agentLogs: LogTap[] = [];
  const phasesMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  try {
    for (let i = 0; i < options.agents; i++) {
      agents.push(
        await startLocalAgent({
          edgeUrl: stack.edgeUrl,
          vcsim: stack.vcsim,
          name: `bench-burst-${run}-${i + 1}`,
          stateDir: path.join(path.dirname(stack.devJsonPath), `agent-burst-${run}-${i + 1}`),
          concurrency: options.concurrency,
          // the agent as operators run it (the built bundle with the executable's Node options), so its
          // peak RSS is the installed agent's
          runs: "bundle",
        }),
      );
    }
    for (const a of agents) agentLogs.push(new LogTap([a.process.child.stdout], 50_000));
    phase("startAgents");
    const hubBefore = (await client.dev("GET", hubStatus, HubCounters)).counters;
    const httpBefore = client.errors;
    const samplesBefore = client.errorSamples.length;
    const logBefore = input.edgeLog.errorLines;
    // a quota far above the burst, so the rows per request include the quota check (a read at submit,
    // the guard in each approval's batch) without ever refusing
    await client.setQuota(BURST_QUOTA);
    await client.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});
    await stack.vcsim.control.resetCounts();

    const names = Array.from({ length: options.requests }, (_, i) => `burst-${run}-${i}`);
    const created = await mapLimit(names, 8, (name) => client.create(name));
    phase("submit");
    const subscribers = await mapLimit(created, 16, (c) =>
      ProgressSubscriber.open({
        edgeUrl: client.baseUrl,
        requestId: c.requestId,
        cookie: client.memberCookie,
      }),
    );
    phase("subscribe");
    const started = performance.now();
    await mapLimit(created, 16, (c) => client.approve(c.requestId, c.version).catch(() => null));
    phase("approve");
    // ~200 VMs at 8 at a time take about a minute; a request not READY after three (more for a larger
    // burst: --scale runs 1,000) is stuck
    const deadlineMs = Math.max(180_000, options.requests * 400);
    await Promise.all(subscribers.map((s) => s.until((r) => r.terminal !== null, deadlineMs)));
    phase("untilReady");
    // a request without a terminal frame shows up as not READY below
    const finished = Math.max(...subscribers.flatMap((s) => s.receipts.terminal ?? []));
    await Promise.all(subscribers.map((s) => s.close()));

    const views = await mapLimit(created, 8, (c) => client.get(c.requestId).catch(() => null));
    const notReadyViews = views.filter((v) => v?.status !== "READY" || !v.vm?.ipAddress);
    const notReady = notReadyViews.length;
    phase("verify");
    // late writes of the run (outbox marks, presence) belong to it
    await sleep(1000);
    const meter = await client.dev("GET", "/agent/dev/bench/d1-meter", Meter);
    const perRequest = (rows: number) => Math.round((rows / options.requests) * 10) / 10;
    const soap = Object.values(await stack.vcsim.control.counts()).reduce((n, c) => n + c, 0);
    const rss = await Promise.all(
      agents.map(async (a) => (a.process.child.pid ? peakRssMib(await agentPid(a.process.child.pid)) : null)),
    );
    const hub = troubleCounters(hubBefore, (await client.dev("GET", hubStatus, HubCounters)).counters);
    const http = client.errors - httpBefore;
    const edgeLog = input.edgeLog.errorLines - logBefore;
    const wallMs = finished - started;
    phase("measure");
    return {
      phasesMs,
      notReadyDetail: [
        ...notReadyViews.flatMap((v) =>
          v
            ? [`${v.requestId}: ${v.status} at ${v.stage}`, ...agentLogs.flatMap((l) => l.grep(v.requestId))]
            : ["unreadable"],
        ),
        ...client.errorSamples.slice(samplesBefore),
        ...agentLogs.flatMap((l) => l.grep("edge reported an error", 5)),
      ],
      wallMs: Math.round(wallMs),
      vmsPerMinute: Math.round((options.requests / (wallMs / 60_000)) * 10) / 10,
      d1RowsPerRequest: perRequest(meter.rowsWritten),
      d1RowsPerRequestByStatement: Object.fromEntries(
        meter.byStatement.map((s) => [s.statement, perRequest(s.rows)] as const),
      ),
      soapPerVm: Math.round((soap / options.requests) * 10) / 10,
      peakAgentRssMib: Math.max(...rss.flatMap((r) => r ?? [])),
      errors: {
        total: http + notReady + Object.values(hub).reduce((n, d) => n + d, 0) + edgeLog,
        http,
        notReady,
        hub,
        edgeLog,
      },
    };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    // the other scenarios' project as it was: no quota
    await client.setQuota(NO_QUOTA).catch(() => undefined);
    phase("stopAgents");
  }
}
