import { parseArgs } from "node:util";
import type { LatencyOptions } from "./scenario-latency.ts";
import { SCALE_PARTS, type ScalePart, type ScaleSettings } from "./scenario-scale.ts";

export const SCENARIOS = [
  "events",
  "latency",
  "overhead",
  "wan",
  "burst",
  "agent-memory",
  "d1-ceiling",
  "scale",
] as const;
/** `scale` runs only when asked: `--scale` (alone, or with `--only`) */
const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => s !== "scale");

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
  /** d1-ceiling: synthetic requests per run (7 commits each), runs, commits in flight at once */
  ceilingRequests: number;
  ceilingRuns: number;
  ceilingConcurrency: number[];
  /** agent-memory: VMs one real agent provisions at `agentMemoryConcurrency`, and what its process runs */
  agentMemoryVms: number;
  agentMemoryConcurrency: number;
  agentMemoryRuns: "bundle" | "sources";
  /** the scale curves' sizes (`--scale`), null when the scale scenario does not run */
  scale: ScaleSettings | null;
}

export interface BenchArgs {
  settings: BenchSettings;
  /** measure the working tree as it is instead of a frozen copy of HEAD */
  live: boolean;
  keepState: boolean;
}

const USAGE = `usage: npm run bench [-w @gantry/bench --] [--quick] [--only ${SCENARIOS.join(",")}]
  [--runs N] [--in-flight 1,100] [--poll-every N] [--guest-boot-ms MS] [--agent-runs bundle|sources]
  [--live] [--keep-state] [--scale] [--scale-in-flight 1,10,100,1000] [--scale-parts ${SCALE_PARTS.join(",")}]
  [--scale-stage-gap MIN_MS,MAX_MS]
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
      "agent-runs": { type: "string" },
      wan: { type: "string" },
      "wan-jitter": { type: "string" },
      "wan-browser-ms": { type: "string" },
      "wan-vms": { type: "string" },
      live: { type: "boolean", default: false },
      "keep-state": { type: "boolean", default: false },
      scale: { type: "boolean", default: false },
      "scale-in-flight": { type: "string" },
      "scale-parts": { type: "string" },
      "scale-stage-gap": { type: "string" },
    },
  });
  const quick = values.quick === true;
  const scale = values.scale === true;
  const only = values.only?.split(",").map((s) => s.trim()) ?? (scale ? ["scale"] : [...DEFAULT_SCENARIOS]);
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}\n${USAGE}`);
  const parts = values["scale-parts"]?.split(",").map((s) => s.trim()) ?? [...SCALE_PARTS];
  const unknownParts = parts.filter((p) => !(SCALE_PARTS as readonly string[]).includes(p));
  if (unknownParts.length > 0) throw new Error(`unknown scale part(s) ${unknownParts.join(", ")}\n${USAGE}`);
  const gap = values["scale-stage-gap"]?.split(",").map((n) => positive("scale-stage-gap", n.trim(), 0));
  if (gap !== undefined && (gap.length !== 2 || (gap[0] ?? 0) > (gap[1] ?? 0)))
    throw new Error(`--scale-stage-gap takes MIN_MS,MAX_MS\n${USAGE}`);
  const agentRuns = values["agent-runs"] ?? "bundle";
  if (agentRuns !== "bundle" && agentRuns !== "sources")
    throw new Error(`--agent-runs must be bundle or sources, got "${agentRuns}"\n${USAGE}`);
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
      ceilingRequests: quick ? 40 : 400,
      ceilingRuns: quick ? 1 : 3,
      ceilingConcurrency: [1, 4, 16],
      agentMemoryVms: quick ? 16 : 48,
      agentMemoryConcurrency: 8,
      agentMemoryRuns: agentRuns,
      scale: only.includes("scale")
        ? {
            ...scaleSettings(quick),
            parts: parts as ScalePart[],
            ...(gap === undefined ? {} : { stageGapMs: [gap[0] ?? 0, gap[1] ?? 0] as [number, number] }),
            ...(values["scale-in-flight"] === undefined
              ? {}
              : {
                  inFlight: values["scale-in-flight"]
                    .split(",")
                    .map((n) => positive("scale-in-flight", n, 1)),
                }),
          }
        : null,
    },
  };
}

/** `--scale`: the sizes, or with `--quick` a smoke test of every curve (about 10 minutes). */
function scaleSettings(quick: boolean): Omit<ScaleSettings, "parts"> {
  return {
    tenants: 3,
    sites: 10,
    inFlight: quick ? [1, 10, 50] : [1, 10, 100, 1000],
    watchers: quick ? [1, 5, 20] : [1, 10, 100],
    watchersInFlight: quick ? 5 : 10,
    requestsPerSlot: 2,
    minRequests: quick ? 4 : 10,
    stageGapMs: quick ? [200, 800] : [500, 3500],
    rebuildEvents: quick ? [5_000, 20_000] : [100_000, 1_000_000],
    burst: quick
      ? { requests: 30, agents: 3, concurrency: 4 }
      : { requests: 1000, agents: 10, concurrency: 4 },
  };
}
