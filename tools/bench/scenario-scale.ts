import { writeFile } from "node:fs/promises";
import path from "node:path";
import { devLoginCookie } from "@gantry/dev/edge-admin";
import type { LocalStack } from "@gantry/dev/local-stack";
import { z } from "zod";
import type { EdgeClient } from "./edge-client.ts";
import type { LogTap } from "./log-tap.ts";
import { buildScaleFleet, SCALE_AGENT_CAPACITY } from "./scale-fleet.ts";
import { runScalePoint, type ScalePoint } from "./scale-point.ts";
import { type BurstOptions, type BurstRun, runBurst } from "./scenario-burst.ts";
import { runEventStore } from "./scenario-event-store.ts";
import { renderChart } from "./svg-chart.ts";

/** The parts of `--scale`, in the order they run; `--scale-parts` picks some (e.g. to re-run one). */
export const SCALE_PARTS = ["in-flight", "watchers", "burst", "rebuild"] as const;
export type ScalePart = (typeof SCALE_PARTS)[number];

/** What `--scale` measures (README.md, "Scale curves"). */
export interface ScaleSettings {
  parts: ScalePart[];
  tenants: number;
  sites: number;
  /** the in-flight curve's points, one watcher per request */
  inFlight: number[];
  /** the watcher curve's points, each at `watchersInFlight` jobs in flight */
  watchers: number[];
  watchersInFlight: number;
  /** requests of a point: this many times its jobs in flight, at least `minRequests` */
  requestsPerSlot: number;
  minRequests: number;
  stageGapMs: [number, number];
  /** sizes of the event log the projection rebuild is timed at */
  rebuildEvents: number[];
  burst: Omit<BurstOptions, "siteId">;
}

export interface RebuildPoint {
  events: number;
  rebuildMs: number;
  /** the replay into fresh tables, and their comparison with the live ones (the rest: set-up, drop) */
  replayMs: number;
  compareMs: number;
  fillEventsPerSecond: number;
  rebuildEqual: boolean;
}

/** A growth check: a cost at the curve's largest point ÷ at its reference point; ≤ 2 is flat or linear. */
export interface GrowthCheck {
  curve: string;
  from: number;
  to: number;
  ratio: number;
  flatOrLinear: boolean;
}

export interface ScaleSummary {
  inFlight: ScalePoint[];
  watchers: ScalePoint[];
  rebuild: RebuildPoint[];
  burst: (BurstRun & { requests: number; agents: number }) | null;
  growth: GrowthCheck[];
}

/**
 * The watchers' people, seeded like the demo people as members of acme (each person may hold at most 10
 * sockets on one request). The watcher curve makes them admins first, through the settings route, so
 * they may watch every request; until then they are told of nothing, and the in-flight curve's
 * notification costs are those of a tenant with one admin.
 */
const WATCHERS = Array.from({ length: 10 }, (_, i) => ({
  userId: `user-watch-${i + 1}`,
  email: `watch-${i + 1}@acme.test`,
}));
export const SCALE_PEOPLE_SQL = [
  `INSERT OR IGNORE INTO users (id, tenant_id, email, name, role) VALUES ${WATCHERS.map(
    (w, i) => `('${w.userId}', 'acme', '${w.email}', 'Watcher ${i + 1}', 'member')`,
  ).join(", ")}`,
];

const requestsFor = (s: ScaleSettings, inFlight: number) =>
  Math.max(s.minRequests, inFlight * s.requestsPerSlot);

/** Cost at the largest point ÷ at the reference point (the one nearest `reference`), per check. */
function growth(curve: string, points: { x: number; y: number }[], reference: number): GrowthCheck | null {
  const sorted = points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  const last = sorted[sorted.length - 1];
  const base = sorted.find((p) => p.x >= reference) ?? sorted[0];
  if (!last || !base || base === last || base.y <= 0) return null;
  const ratio = Math.round((last.y / base.y) * 100) / 100;
  return { curve, from: base.x, to: last.x, ratio, flatOrLinear: ratio <= 2 };
}

export function scaleGrowth(s: Pick<ScaleSummary, "inFlight" | "watchers" | "rebuild">): GrowthCheck[] {
  const per = (points: ScalePoint[], x: (p: ScalePoint) => number, y: (p: ScalePoint) => number) =>
    points.map((p) => ({ x: x(p), y: y(p) }));
  const f = (p: ScalePoint) => p.inFlight;
  const w = (p: ScalePoint) => p.watchers;
  return [
    growth(
      "edge CPU ms per update vs in flight",
      per(s.inFlight, f, (p) => p.edgeCpuMsPerUpdate),
      10,
    ),
    growth(
      "D1 calls per update vs in flight",
      per(s.inFlight, f, (p) => p.d1CallsPerUpdate),
      10,
    ),
    growth(
      "D1 rows per update vs in flight",
      per(s.inFlight, f, (p) => p.d1RowsPerUpdate),
      10,
    ),
    growth(
      "D1 calls per request vs in flight",
      per(s.inFlight, f, (p) => p.d1CallsPerRequest),
      10,
    ),
    growth(
      "D1 rows per request vs in flight",
      per(s.inFlight, f, (p) => p.d1RowsPerRequest),
      10,
    ),
    growth(
      "push p50 vs in flight",
      per(s.inFlight, f, (p) => p.push.p50),
      10,
    ),
    // each update goes to every watcher: linear in watchers means flat per delivered frame
    growth(
      "edge CPU ms per delivered frame vs watchers",
      per(s.watchers, w, (p) => (p.edgeCpuMsPerUpdate / p.watchers) * 1),
      10,
    ),
    growth(
      "D1 calls per update vs watchers",
      per(s.watchers, w, (p) => p.d1CallsPerUpdate),
      10,
    ),
    growth(
      "rebuild ms per event vs events",
      s.rebuild.map((r) => ({ x: r.events, y: r.rebuildMs / r.events })),
      0,
    ),
  ].flatMap((g) => (g ? [g] : []));
}

/**
 * The scale curves: a fleet of tenants, sites and bench agents built through the product's routes, the
 * in-flight and watcher curves over it, a burst of real agents against the simulator (scenario-burst.ts,
 * with other sizes), and last the event-store rebuild with the log filled to each size.
 */
export async function runScale(input: {
  stack: LocalStack;
  client: EdgeClient;
  settings: ScaleSettings;
  edgePid: number;
  edgeLog: LogTap;
  siteId: string;
  note: (msg: string) => void;
  /** a failing part is reported and the next one still runs */
  failed: (part: string, error: unknown) => void;
}): Promise<ScaleSummary> {
  const { client, settings, note } = input;
  const summary: ScaleSummary = { inFlight: [], watchers: [], rebuild: [], burst: null, growth: [] };
  const part = async (name: ScalePart, work: () => Promise<void>) => {
    if (!settings.parts.includes(name)) return;
    try {
      await work();
    } catch (error) {
      note(`scale, ${name} failed: ${String(error)}`);
      input.failed(`scale/${name}`, error);
    }
  };

  const biggest = Math.max(...settings.inFlight, settings.watchersInFlight);
  const perSite = Math.ceil(biggest / settings.sites);
  note(`scale: building ${settings.sites} sites in ${settings.tenants} tenants`);
  const fleet = await buildScaleFleet(client.baseUrl, {
    tenants: settings.tenants,
    sites: settings.sites,
    agentsPerSite: Math.ceil(perSite / SCALE_AGENT_CAPACITY),
    note,
  });
  let watcherCookies: string[] = [];
  const point = (options: { inFlight: number; watchers: number }, label: string, viewers = fleet) =>
    runScalePoint({
      fleet: viewers,
      viewerCookies: (site) =>
        watcherCookies.length > 0 && site.tenant === "acme" ? watcherCookies : [site.client.memberCookie],
      meter: client,
      edgePid: input.edgePid,
      stageGapMs: settings.stageGapMs,
      options: { ...options, requests: requestsFor(settings, options.inFlight) },
      label,
    });

  await part("in-flight", async () => {
    for (const inFlight of settings.inFlight) {
      note(`scale: ${inFlight} in flight over ${Math.min(inFlight, fleet.length)} sites`);
      summary.inFlight.push(await point({ inFlight, watchers: 1 }, `sc${inFlight}`));
    }
  });

  await part("watchers", async () => {
    const acme = fleet.filter((s) => s.tenant === "acme");
    const admin = acme[0]?.client;
    if (!admin) throw new Error("the fleet has no acme site");
    for (const { userId } of WATCHERS)
      await admin.adminMutation("settings.setRole", { userId, role: "admin" }, z.unknown());
    watcherCookies = await Promise.all(WATCHERS.map((w) => devLoginCookie(client.baseUrl, w.email)));
    for (const watchers of settings.watchers) {
      note(`scale: ${watchers} watchers per request, ${settings.watchersInFlight} in flight`);
      summary.watchers.push(
        await point({ inFlight: settings.watchersInFlight, watchers }, `sw${watchers}`, acme),
      );
    }
  });

  await part("burst", async () => {
    const options = { ...settings.burst, siteId: input.siteId };
    note(`scale: burst of ${options.requests} over ${options.agents} real agents`);
    const run = await runBurst(input.stack, client, { options, run: 100, edgeLog: input.edgeLog });
    summary.burst = { ...run, requests: options.requests, agents: options.agents };
  });

  // last: the synthetic lifecycles are also events the notifier reads (up to 2,000 a run, until it caught
  // up), which would load the edge and its D1 during every curve measured after them
  await part("rebuild", async () => {
    // the log already holds the curves' requests: a rebuild of it alone says how many events it has
    let logged = (await runEventStore(client, { events: 0, measuredEvents: 0, runs: 0, rebuilds: 1 }))
      .eventsReplayed;
    for (const size of settings.rebuildEvents) {
      note(`scale: filling the event log to ${size} events, then a rebuild`);
      const result = await runEventStore(client, {
        events: size - logged,
        measuredEvents: 0,
        runs: 0,
        rebuilds: 1,
        lifecyclesBefore: Math.ceil(logged / 10),
      });
      logged = result.eventsReplayed;
      const fill = result.fillPerRun;
      summary.rebuild.push({
        events: result.eventsReplayed,
        rebuildMs: Math.round(result.rebuildMs[0] ?? Number.NaN),
        replayMs: result.rebuildReplayMs[0] ?? Number.NaN,
        compareMs: result.rebuildCompareMs[0] ?? Number.NaN,
        fillEventsPerSecond: Math.round(fill.reduce((a, b) => a + b, 0) / Math.max(1, fill.length)),
        rebuildEqual: result.rebuildEqual,
      });
    }
  });

  summary.growth = scaleGrowth(summary);
  return summary;
}

/** Writes one SVG per curve into `dir`; returns the paths written. */
export async function writeScaleCharts(dir: string, s: ScaleSummary): Promise<string[]> {
  const inFlight = (name: string, y: (p: ScalePoint) => number) => ({
    name,
    points: s.inFlight.map((p) => ({ x: p.inFlight, y: y(p) })),
  });
  const byWatchers = (name: string, y: (p: ScalePoint) => number) => ({
    name,
    points: s.watchers.map((p) => ({ x: p.watchers, y: y(p) })),
  });
  const charts = [
    {
      file: "scale-latency.svg",
      title: "Stage → browser latency vs jobs in flight",
      xLabel: "jobs in flight",
      yLabel: "ms",
      yScale: "log" as const,
      series: [inFlight("p50", (p) => p.push.p50), inFlight("p99", (p) => p.push.p99)],
    },
    {
      file: "scale-edge-cpu.svg",
      title: "Edge CPU per update vs jobs in flight",
      xLabel: "jobs in flight",
      yLabel: "CPU ms per update",
      series: [
        inFlight("CPU", (p) => p.edgeCpuMsPerUpdate),
        inFlight("waiting", (p) => p.edgeCpuWaitMsPerUpdate),
      ],
    },
    {
      file: "scale-d1-per-update.svg",
      title: "D1 per update vs jobs in flight",
      xLabel: "jobs in flight",
      yLabel: "per update",
      series: [
        inFlight("calls", (p) => p.d1CallsPerUpdate),
        inFlight("rows written", (p) => p.d1RowsPerUpdate),
      ],
    },
    {
      file: "scale-d1-per-request.svg",
      title: "D1 per request (submit → READY) vs jobs in flight",
      xLabel: "jobs in flight",
      yLabel: "per request",
      series: [
        inFlight("calls", (p) => p.d1CallsPerRequest),
        inFlight("rows written", (p) => p.d1RowsPerRequest),
      ],
    },
    {
      file: "scale-watchers-latency.svg",
      title: "Stage → browser latency vs watchers per request",
      xLabel: "watchers per request",
      yLabel: "ms",
      yScale: "log" as const,
      series: [byWatchers("p50", (p) => p.push.p50), byWatchers("p99", (p) => p.push.p99)],
    },
    {
      file: "scale-watchers-cpu.svg",
      title: "Edge CPU per update vs watchers per request",
      xLabel: "watchers per request",
      yLabel: "CPU ms per update",
      series: [byWatchers("CPU", (p) => p.edgeCpuMsPerUpdate)],
    },
    {
      file: "scale-rebuild.svg",
      title: "Projection rebuild vs events in the log",
      xLabel: "events",
      yLabel: "seconds",
      series: [{ name: "rebuild", points: s.rebuild.map((r) => ({ x: r.events, y: r.rebuildMs / 1000 })) }],
    },
  ].filter((c) => c.series.some((line) => line.points.length > 0));
  const written: string[] = [];
  for (const { file, ...spec } of charts) {
    const target = path.join(dir, file);
    await writeFile(target, renderChart(spec));
    written.push(target);
  }
  return written;
}
