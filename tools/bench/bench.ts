import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startLocalStack } from "@gantry/dev/local-stack";
import { z } from "zod";
import { computeCostModel } from "./cost-model.ts";
import { EdgeClient } from "./edge-client.ts";
import { LogTap } from "./log-tap.ts";
import { type GitFacts, machineFacts } from "./machine.ts";
import type { BenchResults } from "./results.ts";
import { runAgentMemory } from "./scenario-agent-memory.ts";
import { type BurstRun, runBurst } from "./scenario-burst.ts";
import { runD1Ceiling } from "./scenario-d1-ceiling.ts";
import { runEventStore } from "./scenario-event-store.ts";
import { enrollBenchAgents, type LatencyRun, runLatency } from "./scenario-latency.ts";
import { runOverhead } from "./scenario-overhead.ts";
import { runScale, SCALE_PEOPLE_SQL, writeScaleCharts } from "./scenario-scale.ts";
import { runWan } from "./scenario-wan.ts";
import type { BenchArgs } from "./settings.ts";
import { summarizeBurst, summarizeEventStore, summarizeLatency, summarizeOverhead } from "./summaries.ts";
import { renderTable } from "./table.ts";
import { checkScaleTargets, checkTargets } from "./targets.ts";
import { summarizeWan } from "./wan-summary.ts";

const SITE_ID = "site-acme-vcsim";

/**
 * Starts the local stack (no agents: each scenario brings its own), runs the chosen scenarios in order —
 * the event store first, on a fresh log — then prints the table and writes `outFile`.
 */
export async function runBench(input: { args: BenchArgs; git: GitFacts; outFile: string }): Promise<void> {
  const { settings } = input.args;
  const began = Date.now();
  const note = (msg: string) =>
    process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
  const results: BenchResults = {
    schema: 1,
    startedAt: new Date(began).toISOString(),
    durationS: 0,
    machine: machineFacts(),
    git: input.git,
    settings,
    latency: [],
    overhead: null,
    soap: null,
    burst: null,
    wan: null,
    eventStore: null,
    d1Ceiling: null,
    cost: null,
    agentMemory: null,
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
    // the scale scenario's watchers: people of acme, each may hold 10 sockets on one request
    ...(settings.scale ? { extraStatements: SCALE_PEOPLE_SQL } : {}),
  });
  const edgeLog = new LogTap([stack.edge.output]);
  try {
    const client = await EdgeClient.signIn(stack.edgeUrl);
    // the edge runs in this process (Miniflare): its workerd is one of our children
    const edgePid = process.pid;
    // fails here, before anything is measured, when the edge lacks the bench's dev hooks
    await client.dev("POST", "/agent/dev/bench/d1-meter/reset", z.unknown(), {});

    // a failing scenario is reported and the others still run
    const attempt = async (scenario: string, work: () => Promise<void>) => {
      if (!settings.scenarios.includes(scenario)) return;
      try {
        await work();
      } catch (error) {
        note(`${scenario} failed: ${String(error)}`);
        results.failures.push({ scenario, error: String(error).slice(0, 2000) });
      }
    };

    await attempt("events", async () => {
      note(`event store: ${settings.events} events, then ${settings.rebuilds} projection rebuilds`);
      results.eventStore = summarizeEventStore(
        await runEventStore(client, {
          events: settings.events,
          measuredEvents: settings.measuredEvents,
          runs: settings.eventRuns,
          rebuilds: settings.rebuilds,
        }),
      );
    });

    await attempt("latency", async () => {
      for (const scenario of settings.latency) {
        const agents = await enrollBenchAgents(stack.edgeUrl, scenario.inFlight, `l${scenario.inFlight}`);
        const runs: LatencyRun[] = [];
        for (let run = 0; run < settings.latencyRuns; run++) {
          note(`latency, ${scenario.inFlight} in flight: run ${run + 1}/${settings.latencyRuns}`);
          runs.push(await runLatency(client, agents, { ...scenario, run, edgePid, siteId: SITE_ID }));
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

    await attempt("wan", async () => {
      note(`WAN: a real agent behind a delaying proxy at ${settings.wan.delaysMs.join(", ")} ms one-way`);
      results.wan = summarizeWan(await runWan(stack, client, { ...settings.wan, siteId: SITE_ID }));
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

    await attempt("agent-memory", async () => {
      const options = {
        vms: settings.agentMemoryVms,
        concurrency: settings.agentMemoryConcurrency,
        runs: settings.agentMemoryRuns,
        siteId: SITE_ID,
      };
      note(
        `agent memory: one agent (${options.runs}), ${options.vms} VMs at concurrency ${options.concurrency}`,
      );
      results.agentMemory = await runAgentMemory(stack, client, options);
    });

    await attempt("d1-ceiling", async () => {
      note(
        `D1 write ceiling: ${settings.ceilingRequests} lifecycles × ${settings.ceilingRuns} runs at concurrency ${settings.ceilingConcurrency.join(", ")}`,
      );
      results.d1Ceiling = await runD1Ceiling(client, {
        requests: settings.ceilingRequests,
        runs: settings.ceilingRuns,
        concurrency: settings.ceilingConcurrency,
      });
    });

    await attempt("scale", async () => {
      if (!settings.scale) return;
      results.scale = await runScale({
        stack,
        client,
        settings: settings.scale,
        edgePid,
        edgeLog,
        siteId: SITE_ID,
        note,
        failed: (scenario, error) => results.failures.push({ scenario, error: String(error).slice(0, 2000) }),
      });
      results.charts = await writeScaleCharts(path.dirname(input.outFile), results.scale);
    });
  } finally {
    note("stopping the local stack");
    await stack.stop();
    if (!input.args.keepState) await rm(stateDir, { recursive: true, force: true });
  }

  results.targets = checkTargets({
    latency100: results.latency.find((l) => l.inFlight === 100) ?? null,
    overhead: results.overhead,
    soap: results.soap,
    burst: results.burst,
    agentMemory: results.agentMemory ?? null,
    wan: results.wan,
  }).concat(checkScaleTargets(results.scale ?? null));
  results.durationS = Math.round((Date.now() - began) / 1000);
  results.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.cost = computeCostModel(results);
  await writeFile(input.outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderTable(results));
  console.log(`\nwrote ${input.outFile}`);
}
