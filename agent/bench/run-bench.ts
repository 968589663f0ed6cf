/**
 * `npm run bench`: starts the local stack, runs the scenarios of issue 8 side by side with their
 * alternatives, prints a table and writes bench/results.json (fields: README.md).
 *
 *   npm run bench -w @gantry/agent -- [--quick] [--only latency,overhead,burst,events] [--runs 3]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startLocalStack } from "../local/local-stack.ts";
import { EdgeClient } from "./edge-client.ts";
import { LogTap } from "./log-tap.ts";
import { gitFacts, machineFacts } from "./machine.ts";
import {
  type BenchResults,
  type BenchSettings,
  summarizeBurst,
  summarizeEventStore,
  summarizeLatency,
  summarizeOverhead,
} from "./results.ts";
import { type BurstRun, runBurst } from "./scenario-burst.ts";
import { runEventStore } from "./scenario-event-store.ts";
import { enrollBenchAgents, type LatencyOptions, type LatencyRun, runLatency } from "./scenario-latency.ts";
import { runOverhead } from "./scenario-overhead.ts";
import { renderTable } from "./table.ts";
import { checkTargets } from "./targets.ts";

const SCENARIOS = ["events", "latency", "overhead", "burst"] as const;
const SITE_ID = "site-acme-vcsim";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    runs: { type: "string" },
    "poll-every": { type: "string", default: "5" },
    "guest-boot-ms": { type: "string", default: "2000" },
    "keep-state": { type: "boolean", default: false },
  },
});

const quick = values.quick === true;
const only = values.only?.split(",").map((s) => s.trim()) ?? [...SCENARIOS];
const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`unknown scenario(s) ${unknown.join(", ")}; choose from ${SCENARIOS.join(", ")}`);
  process.exit(2);
}
const settings: BenchSettings = {
  scenarios: only,
  guestBootDelayMs: Number(values["guest-boot-ms"]),
  latencyRuns: Number(values.runs ?? (quick ? 2 : 3)),
  overheadRounds: quick ? 2 : 3,
  overheadPairs: quick ? 2 : 4,
  burstRequests: quick ? 20 : 200,
  burstRuns: quick ? 1 : 2,
  burstAgents: 2,
  burstConcurrency: 4,
  events: quick ? 2000 : 100_000,
};
const latencyScenarios: LatencyOptions[] = [
  // 170 × 6 = 1,020 updates per run
  { inFlight: 1, requests: quick ? 20 : 170, pacing: "back-to-back", pollEvery: 0 },
  { inFlight: 100, requests: quick ? 40 : 200, pacing: "paced", pollEvery: Number(values["poll-every"]) },
];

const began = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

const results: BenchResults = {
  schema: 1,
  startedAt: new Date(began).toISOString(),
  durationS: 0,
  machine: machineFacts(),
  git: gitFacts(),
  settings,
  latency: [],
  overhead: null,
  soap: null,
  burst: null,
  eventStore: null,
  targets: [],
  failures: [],
  loadAverageAtEnd: [],
};

const stateDir = await mkdtemp(path.join(os.tmpdir(), "gantry-bench-"));
note(`starting the local stack in ${stateDir}`);
const stack = await startLocalStack({
  stateDir,
  agents: 0,
  buildWeb: false,
  guestBootDelayMs: settings.guestBootDelayMs,
});
const edgeLog = new LogTap([stack.edge.process.child.stdout, stack.edge.process.child.stderr]);
try {
  const client = await EdgeClient.signIn(stack.edgeUrl);
  const edgePid = stack.edge.process.child.pid ?? 0;
  // the bench's dev hooks must be there before anything is measured
  await client.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});

  // a failing scenario is reported and the others still run
  const attempt = async (scenario: string, work: () => Promise<void>) => {
    if (!only.includes(scenario)) return;
    try {
      await work();
    } catch (error) {
      note(`${scenario} failed: ${String(error)}`);
      results.failures.push({ scenario, error: String(error).slice(0, 2000) });
    }
  };

  await attempt("events", async () => {
    note(`event store: appending ${settings.events} events, then rebuilding the projections`);
    results.eventStore = summarizeEventStore(
      await runEventStore(client, {
        events: settings.events,
        eventsPerRun: quick ? 1000 : 10_000,
        rebuilds: quick ? 1 : 2,
      }),
    );
  });

  await attempt("latency", async () => {
    for (const scenario of latencyScenarios) {
      const agents = await enrollBenchAgents(stack.edgeUrl, scenario.inFlight, `l${scenario.inFlight}`);
      const runs: LatencyRun[] = [];
      for (let run = 0; run < settings.latencyRuns; run++) {
        note(`latency, ${scenario.inFlight} in flight: run ${run + 1}/${settings.latencyRuns}`);
        runs.push(await runLatency(client, agents, { ...scenario, run, edgePid }));
      }
      results.latency.push(summarizeLatency({ ...scenario, runs }));
    }
  });

  await attempt("overhead", async () => {
    note("overhead and SOAP economy: product and floor, alternating");
    const summary = summarizeOverhead(
      await runOverhead(stack, client, {
        rounds: settings.overheadRounds,
        pairs: settings.overheadPairs,
        siteId: SITE_ID,
      }),
    );
    results.overhead = summary.overhead;
    results.soap = summary.soap;
  });

  await attempt("burst", async () => {
    const runs: BurstRun[] = [];
    const options = {
      requests: settings.burstRequests,
      agents: settings.burstAgents,
      concurrency: settings.burstConcurrency,
      siteId: SITE_ID,
    };
    for (let run = 0; run < settings.burstRuns; run++) {
      note(`burst of ${options.requests}: run ${run + 1}/${settings.burstRuns}`);
      runs.push(await runBurst(stack, client, { options, run, edgeLog }));
    }
    results.burst = summarizeBurst(options, runs);
  });
} finally {
  note("stopping the local stack");
  await stack.stop();
  if (!values["keep-state"]) await rm(stateDir, { recursive: true, force: true });
}

results.targets = checkTargets({
  latency100: results.latency.find((l) => l.inFlight === 100) ?? null,
  overhead: results.overhead,
  soap: results.soap,
  burst: results.burst,
});
results.durationS = Math.round((Date.now() - began) / 1000);
results.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
const out = path.join(import.meta.dirname, "results.json");
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(renderTable(results));
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
