import { parseArgs } from "node:util";
import type { LatencyOptions } from "./scenario-latency.ts";

export const SCENARIOS = ["events", "latency", "overhead", "wan", "burst"] as const;

export interface BenchSettings {
  scenarios: string[];
  guestBootDelayMs: number;
  latencyRuns: number;
  latency: LatencyOptions[];
  overheadRounds: number;
  overheadPairs: number;
  /** the WAN scenario (scenario-wan.ts): one-way delays of the agent link, jitter, the browser link's delay, VMs per delay */
  wan: { delaysMs: number[]; jitterMs: number; browserDelayMs: number; vms: number };
  burstRequests: number;
  burstRuns: number;
  burstAgents: number;
  burstConcurrency: number;
  /** events in the log for the rebuild, of which `measuredEvents` appended one commit per command */
  events: number;
  measuredEvents: number;
  eventRuns: number;
  rebuilds: number;
}

export interface BenchArgs {
  settings: BenchSettings;
  /** measure the working tree as it is instead of a frozen copy of HEAD */
  live: boolean;
  keepState: boolean;
}

const USAGE = `usage: npm run bench [-w @gantry/bench --] [--quick] [--only ${SCENARIOS.join(",")}]
  [--runs N] [--in-flight 1,100] [--poll-every N] [--guest-boot-ms MS] [--live] [--keep-state]
  [--wan 0,25,50] [--wan-jitter MS] [--wan-browser-ms MS] [--wan-vms N]`;

const positive = (name: string, raw: string | undefined, fallback: number): number => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number, got "${raw}"\n${USAGE}`);
  return n;
};

/** Reads the command line; `--quick` shrinks every scenario to a smoke test of a minute or two. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      runs: { type: "string" },
      "poll-every": { type: "string" },
      "in-flight": { type: "string" },
      "guest-boot-ms": { type: "string" },
      wan: { type: "string" },
      "wan-jitter": { type: "string" },
      "wan-browser-ms": { type: "string" },
      "wan-vms": { type: "string" },
      live: { type: "boolean", default: false },
      "keep-state": { type: "boolean", default: false },
    },
  });
  const quick = values.quick === true;
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...SCENARIOS];
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}\n${USAGE}`);
  const inFlight = values["in-flight"]?.split(",").map((n) => positive("in-flight", n, 0)) ?? null;
  return {
    live: values.live === true,
    keepState: values["keep-state"] === true,
    settings: {
      scenarios: only,
      guestBootDelayMs: positive("guest-boot-ms", values["guest-boot-ms"], 2000),
      latencyRuns: positive("runs", values.runs, quick ? 2 : 3),
      latency: [
        // 170 × 6 = 1,020 updates per run
        { inFlight: 1, requests: quick ? 20 : 170, pacing: "back-to-back" as const, pollEvery: 0 },
        {
          inFlight: 100,
          requests: quick ? 40 : 200,
          pacing: "paced" as const,
          pollEvery: positive("poll-every", values["poll-every"], 5),
        },
      ].filter((l) => inFlight === null || inFlight.includes(l.inFlight)),
      overheadRounds: quick ? 2 : 3,
      overheadPairs: quick ? 2 : 4,
      wan: {
        delaysMs: values.wan?.split(",").map((n) => positive("wan", n.trim(), 0)) ?? [0, 25, 50],
        jitterMs: positive("wan-jitter", values["wan-jitter"], 5),
        browserDelayMs: positive("wan-browser-ms", values["wan-browser-ms"], 0),
        vms: positive("wan-vms", values["wan-vms"], quick ? 2 : 8),
      },
      burstRequests: quick ? 20 : 200,
      burstRuns: quick ? 1 : 2,
      burstAgents: 2,
      burstConcurrency: 4,
      events: quick ? 3000 : 100_000,
      measuredEvents: quick ? 2000 : 20_000,
      eventRuns: quick ? 2 : 10,
      rebuilds: quick ? 1 : 2,
    },
  };
}
